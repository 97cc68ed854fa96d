// Some tests listen to the messaging ActivitySource, which is process-wide: run tests one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
