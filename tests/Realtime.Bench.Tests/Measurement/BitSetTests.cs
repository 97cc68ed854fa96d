using Realtime.Bench.Measurement;

namespace Realtime.Bench.Tests.Measurement;

public sealed class BitSetTests
{
    [Fact]
    public void Add_reports_whether_the_value_is_new()
    {
        var set = new BitSet();

        Assert.True(set.Add(5));
        Assert.False(set.Add(5));
        Assert.Equal(1, set.Count);
    }

    [Fact]
    public void Contains_finds_values_on_word_boundaries_and_far_beyond_the_initial_size()
    {
        var set = new BitSet();
        long[] values = [0, 63, 64, 10_000];
        foreach (var value in values)
        {
            set.Add(value);
        }

        Assert.All(values, value => Assert.True(set.Contains(value)));
        Assert.False(set.Contains(1));
        Assert.False(set.Contains(65));
        // Past the last word the set holds: absent, not an index error.
        Assert.False(set.Contains(1_000_000));
        Assert.Equal(values.Length, set.Count);
    }

    [Fact]
    public void CountMissingFrom_counts_only_values_of_this_set_absent_from_the_other()
    {
        var acknowledged = Set(1, 2, 3, 200);
        var received = Set(2, 200, 9_999);

        Assert.Equal(2, acknowledged.CountMissingFrom(received));
        // The other's extra values (9_999) are not "missing" from this one either way round.
        Assert.Equal(1, received.CountMissingFrom(acknowledged));
    }

    [Fact]
    public void CountMissingFrom_nothing_received_is_everything_missing()
    {
        var acknowledged = Set(0, 64, 128);

        Assert.Equal(3, acknowledged.CountMissingFrom(null));
        Assert.Equal(3, acknowledged.CountMissingFrom(new BitSet()));
    }

    private static BitSet Set(params long[] values)
    {
        var set = new BitSet();
        foreach (var value in values)
        {
            set.Add(value);
        }

        return set;
    }
}
