namespace Realtime.Bench.Measurement;

/// <summary>A growable set of small non-negative integers (publication sequences).</summary>
internal sealed class BitSet
{
    private ulong[] _words = new ulong[4];

    public int Count { get; private set; }

    /// <summary>Adds the value; false when it was there already.</summary>
    public bool Add(long value)
    {
        var word = (int)(value >> 6);
        if (word >= _words.Length)
        {
            Array.Resize(ref _words, Math.Max(word + 1, _words.Length * 2));
        }

        var mask = 1UL << (int)(value & 63);
        if ((_words[word] & mask) != 0)
        {
            return false;
        }

        _words[word] |= mask;
        Count++;
        return true;
    }

    public bool Contains(long value)
    {
        var word = (int)(value >> 6);
        return word < _words.Length && (_words[word] & (1UL << (int)(value & 63))) != 0;
    }

    /// <summary>How many values of this set are missing from <paramref name="other"/>.</summary>
    public int CountMissingFrom(BitSet? other)
    {
        var missing = 0;
        for (var i = 0; i < _words.Length; i++)
        {
            var theirs = other is not null && i < other._words.Length ? other._words[i] : 0;
            missing += System.Numerics.BitOperations.PopCount(_words[i] & ~theirs);
        }

        return missing;
    }
}
