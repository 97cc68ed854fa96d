using System.Buffers;
using System.Buffers.Binary;

namespace Realtime.Protocol.Delta;

/// <summary>
/// Creates deltas in Fossil's delta format (what Centrifugo's <c>delta: "fossil"</c> sends and
/// the SDKs apply): a header with the target's length and a newline, then segments — a copy
/// <c>N@O,</c> of N bytes at offset O of the source, or an insert <c>N:</c> followed by N
/// literal bytes — and a trailer with the target's checksum and a semicolon. Numbers are written
/// in base 64, most significant digit first.
/// </summary>
/// <remarks>
/// Matching: the source is indexed by blocks of <see cref="BlockSize"/> bytes; a rolling hash of
/// the target's next window finds candidate blocks, each candidate is extended both ways, and the
/// longest match that costs less than its bytes as literals becomes a copy. Segment boundaries
/// never split a UTF-8 character: over the JSON protocol a delta travels as a JSON string, which
/// must stay valid UTF-8 for the client to get its bytes back.
/// </remarks>
public static class FossilDelta
{
    private const int BlockSize = 16;
    private const int CandidatesTried = 64;
    private static ReadOnlySpan<byte> Digits => "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~"u8;

    /// <summary>The delta turning <paramref name="source"/> into <paramref name="target"/>.</summary>
    public static byte[] Create(ReadOnlySpan<byte> source, ReadOnlySpan<byte> target)
    {
        var output = new ArrayBufferWriter<byte>(Math.Max(64, target.Length / 4));
        WriteNumber(output, (uint)target.Length);
        Write(output, (byte)'\n');

        if (source.Length < BlockSize || target.Length < BlockSize)
        {
            WriteInsert(output, target);
        }
        else
        {
            WriteSegments(output, source, target);
        }

        WriteNumber(output, Checksum(target));
        Write(output, (byte)';');
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Fossil's checksum: the sum, modulo 2^32, of the target read as big-endian 32-bit words, the
    /// last one padded with zero bytes on the right.
    /// </summary>
    public static uint Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        var i = 0;
        for (; i + 4 <= data.Length; i += 4)
        {
            sum += BinaryPrimitives.ReadUInt32BigEndian(data[i..]);
        }

        var shift = 24;
        for (; i < data.Length; i++, shift -= 8)
        {
            sum += (uint)data[i] << shift;
        }

        return sum;
    }

    private static void WriteSegments(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> source, ReadOnlySpan<byte> target)
    {
        var blocks = source.Length / BlockSize;
        var buckets = new int[BucketCount(blocks)];
        var chain = new int[blocks];
        Array.Fill(buckets, -1);
        for (var block = 0; block < blocks; block++)
        {
            var bucket = (int)(WindowHash(source.Slice(block * BlockSize, BlockSize)) % (uint)buckets.Length);
            chain[block] = buckets[bucket];
            buckets[bucket] = block;
        }

        var literalStart = 0; // first target byte not yet written
        var position = 0;     // start of the window being matched
        var hash = new RollingHash(target[..BlockSize]);
        while (position + BlockSize <= target.Length)
        {
            var (start, length, sourceStart) = BestMatch(source, target, buckets, chain, hash.Value, position, literalStart);
            if (length > 0)
            {
                WriteInsert(output, target[literalStart..start]);
                WriteNumber(output, (uint)length);
                Write(output, (byte)'@');
                WriteNumber(output, (uint)sourceStart);
                Write(output, (byte)',');
                literalStart = start + length;
                position = literalStart;
                if (position + BlockSize <= target.Length)
                {
                    hash = new RollingHash(target.Slice(position, BlockSize));
                }

                continue;
            }

            if (position + BlockSize == target.Length)
            {
                break;
            }

            hash.Roll(target[position], target[position + BlockSize]);
            position++;
        }

        WriteInsert(output, target[literalStart..]);
    }

    /// <summary>
    /// The longest match anchored at the window at <paramref name="position"/> that is worth a
    /// copy command, extended backwards no further than <paramref name="literalStart"/>, with
    /// both ends on character boundaries; length 0 when there is none.
    /// </summary>
    private static (int Start, int Length, int SourceStart) BestMatch(
        ReadOnlySpan<byte> source, ReadOnlySpan<byte> target, int[] buckets, int[] chain, uint hash, int position, int literalStart)
    {
        var best = (Start: 0, Length: 0, SourceStart: 0);
        var tried = 0;
        for (var block = buckets[(int)(hash % (uint)buckets.Length)]; block >= 0 && tried < CandidatesTried; block = chain[block], tried++)
        {
            var sourceAnchor = block * BlockSize;
            var forward = 0;
            while (sourceAnchor + forward < source.Length && position + forward < target.Length
                && source[sourceAnchor + forward] == target[position + forward])
            {
                forward++;
            }

            if (forward < BlockSize)
            {
                continue; // a hash collision, not a match
            }

            var backward = 0;
            while (sourceAnchor - backward > 0 && position - backward > literalStart
                && source[sourceAnchor - backward - 1] == target[position - backward - 1])
            {
                backward++;
            }

            var start = position - backward;
            var end = position + forward;
            // Keep whole characters on both sides: move the start forward past continuation
            // bytes, and the end back until the byte after it starts a character.
            while (start < end && IsContinuation(target[start]))
            {
                start++;
            }

            while (end > start && end < target.Length && IsContinuation(target[end]))
            {
                end--;
            }

            var length = end - start;
            var cost = DigitCount((uint)(start - literalStart)) + DigitCount((uint)length) + DigitCount((uint)(sourceAnchor - (position - start))) + 3;
            if (length > best.Length && length > cost)
            {
                best = (start, length, sourceAnchor - (position - start));
            }
        }

        return best;
    }

    private static bool IsContinuation(byte value) => (value & 0xC0) == 0x80;

    private static int BucketCount(int blocks)
    {
        var count = 16;
        while (count < blocks * 2)
        {
            count <<= 1;
        }

        return count - 1; // odd: spreads the hashes of similar windows
    }

    private static uint WindowHash(ReadOnlySpan<byte> window) => new RollingHash(window).Value;

    private static void WriteInsert(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> literal)
    {
        if (literal.IsEmpty)
        {
            return;
        }

        WriteNumber(output, (uint)literal.Length);
        Write(output, (byte)':');
        literal.CopyTo(output.GetSpan(literal.Length));
        output.Advance(literal.Length);
    }

    private static void WriteNumber(ArrayBufferWriter<byte> output, uint value)
    {
        var digits = DigitCount(value);
        var span = output.GetSpan(digits);
        for (var i = digits - 1; i >= 0; i--)
        {
            span[i] = Digits[(int)(value & 63)];
            value >>= 6;
        }

        output.Advance(digits);
    }

    private static int DigitCount(uint value)
    {
        var digits = 1;
        while (value >= 64)
        {
            value >>= 6;
            digits++;
        }

        return digits;
    }

    private static void Write(ArrayBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    /// <summary>
    /// An Adler-style hash of a <see cref="BlockSize"/>-byte window that slides one byte at a
    /// time: a plain sum and a position-weighted sum, both updated in constant time.
    /// </summary>
    private struct RollingHash
    {
        private uint _sum;
        private uint _weighted;

        public RollingHash(ReadOnlySpan<byte> window)
        {
            for (var i = 0; i < window.Length; i++)
            {
                _sum += window[i];
                _weighted += (uint)(window.Length - i) * window[i];
            }
        }

        public readonly uint Value => (_weighted << 16) ^ _sum;

        public void Roll(byte leaving, byte entering)
        {
            _sum = _sum - leaving + entering;
            _weighted = _weighted - (uint)BlockSize * leaving + _sum;
        }
    }
}
