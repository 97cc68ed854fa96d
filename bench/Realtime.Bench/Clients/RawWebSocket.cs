using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Realtime.Bench.Clients;

/// <summary>
/// A minimal RFC 6455 client over a raw socket, for the load generator: text messages out
/// (masked, as clients must), messages in, pings answered, the close handshake honoured. All
/// frames that arrive together are parsed out of one receive, and a send is one synchronous
/// socket write of a frame built in place around the caller's payload, so the generator spends
/// a few microseconds per message where ClientWebSocket spends tens, and leaves the shared cores
/// to the system it measures.
/// </summary>
internal sealed class RawWebSocket : IDisposable
{
    /// <summary>Bytes a caller leaves free before its payload so the frame header fits in front of it.</summary>
    public const int HeaderRoom = 14;

    private const byte Fin = 0x80;
    private const byte Mask = 0x80;
    private const int InitialReceiveBuffer = 8 * 1024;

    private readonly Socket _socket;
    private readonly Lock _sendGate = new();
    private byte[] _buffer;
    private int _start;
    private int _end;
    private byte[]? _fragments;
    private int _fragmentLength;
    private bool _closeSent;

    private RawWebSocket(Socket socket, byte[] buffer, int start, int end)
    {
        _socket = socket;
        _buffer = buffer;
        _start = start;
        _end = end;
    }

    /// <summary>The close code the server sent, once it sent one.</summary>
    public int? CloseStatus { get; private set; }

    /// <summary>Connects from <paramref name="source"/> and performs the opening handshake.</summary>
    public static async Task<RawWebSocket> ConnectAsync(Uri endpoint, IPAddress source, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(endpoint.Host), endpoint.Port), cancellationToken);
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            var request = Encoding.ASCII.GetBytes(
                $"GET {endpoint.PathAndQuery} HTTP/1.1\r\nHost: {endpoint.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n");
            await socket.SendAsync(request, SocketFlags.None, cancellationToken);

            var buffer = new byte[InitialReceiveBuffer];
            var length = 0;
            int headersEnd;
            while ((headersEnd = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
            {
                if (length == buffer.Length)
                {
                    throw new IOException("the handshake response is too large");
                }

                var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    throw new IOException("the server closed the connection during the handshake");
                }

                length += read;
            }

            var response = Encoding.ASCII.GetString(buffer, 0, headersEnd);
#pragma warning disable CA5350 // RFC 6455 defines the accept hash as SHA-1; it is a handshake check, not security.
            var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
            if (!response.StartsWith("HTTP/1.1 101", StringComparison.Ordinal)
                || !response.Contains("Sec-WebSocket-Accept: " + expected, StringComparison.OrdinalIgnoreCase))
            {
                throw new IOException($"the server refused the WebSocket: {response.Split("\r\n")[0]}");
            }

            return new RawWebSocket(socket, buffer, headersEnd + 4, length);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <c>frame[HeaderRoom..HeaderRoom+length]</c> as one text message. The payload is masked
    /// in place and the header written into the room before it. False when the connection is gone.
    /// </summary>
    public bool SendText(byte[] frame, int length) => SendFrame(0x1, frame, length);

    /// <summary>Sends a small text message (copies it; for pongs and handshakes).</summary>
    public bool SendText(ReadOnlySpan<byte> message)
    {
        var frame = ArrayPool<byte>.Shared.Rent(HeaderRoom + message.Length);
        try
        {
            message.CopyTo(frame.AsSpan(HeaderRoom));
            return SendFrame(0x1, frame, message.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Reads messages until the connection ends, handing each text message to <paramref name="onMessage"/> with the time it arrived.</summary>
    public async Task ReceiveAsync(ReceivedMessage onMessage, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                if (!ParseFrames(onMessage))
                {
                    return;
                }

                if (_end == _buffer.Length)
                {
                    MakeRoom();
                }

                var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    return;
                }

                _end += read;
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public delegate void ReceivedMessage(ReadOnlySpan<byte> message, long receivedAt);

    /// <summary>Sends a close frame (normal closure) and stops sending.</summary>
    public void Close()
    {
        var frame = new byte[HeaderRoom + 2];
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(HeaderRoom), 1000);
        SendFrame(0x8, frame, 2);
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Drops the connection with a reset, as a dying network would.</summary>
    public void Abort()
    {
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        _socket.Dispose();
    }

    public void Dispose() => _socket.Dispose();

    /// <summary>Handles every complete frame in the buffer; false once the server closed.</summary>
    private bool ParseFrames(ReceivedMessage onMessage)
    {
        var receivedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        while (_end - _start >= 2)
        {
            var header = _buffer.AsSpan(_start, _end - _start);
            var opcode = header[0] & 0x0F;
            var final = (header[0] & Fin) != 0;
            var masked = (header[1] & Mask) != 0;
            long payloadLength = header[1] & 0x7F;
            var headerLength = 2;
            if (payloadLength == 126)
            {
                if (header.Length < 4) break;
                payloadLength = BinaryPrimitives.ReadUInt16BigEndian(header[2..]);
                headerLength = 4;
            }
            else if (payloadLength == 127)
            {
                if (header.Length < 10) break;
                payloadLength = (long)BinaryPrimitives.ReadUInt64BigEndian(header[2..]);
                headerLength = 10;
            }

            var maskKey = 0u;
            if (masked)
            {
                if (header.Length < headerLength + 4) break;
                maskKey = BinaryPrimitives.ReadUInt32LittleEndian(header[headerLength..]);
                headerLength += 4;
            }

            if (payloadLength > int.MaxValue / 2)
            {
                throw new IOException("frame too large");
            }

            var frameLength = headerLength + (int)payloadLength;
            if (header.Length < frameLength)
            {
                if (frameLength > _buffer.Length)
                {
                    Array.Resize(ref _buffer, Math.Max(frameLength, _buffer.Length * 2));
                }

                break;
            }

            var payload = _buffer.AsSpan(_start + headerLength, (int)payloadLength);
            if (masked)
            {
                ApplyMask(payload, maskKey);
            }

            _start += frameLength;
            switch (opcode)
            {
                case 0x0 or 0x1 or 0x2 when final && _fragments is null:
                    onMessage(payload, receivedAt);
                    break;
                case 0x0 or 0x1 or 0x2:
                    AppendFragment(payload);
                    if (final)
                    {
                        onMessage(_fragments.AsSpan(0, _fragmentLength), receivedAt);
                        _fragments = null;
                        _fragmentLength = 0;
                    }

                    break;
                case 0x8:
                    CloseStatus = payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : 1005;
                    if (!_closeSent)
                    {
                        Close();
                    }

                    return false;
                case 0x9:
                    var pong = ArrayPool<byte>.Shared.Rent(HeaderRoom + payload.Length);
                    payload.CopyTo(pong.AsSpan(HeaderRoom));
                    SendFrame(0xA, pong, payload.Length);
                    ArrayPool<byte>.Shared.Return(pong);
                    break;
            }
        }

        return true;
    }

    /// <summary>Moves a partial frame to the front of the buffer (or grows it when the frame fills it).</summary>
    private void MakeRoom()
    {
        if (_start == 0)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
            return;
        }

        _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
        _end -= _start;
        _start = 0;
    }

    private void AppendFragment(ReadOnlySpan<byte> payload)
    {
        _fragments ??= new byte[Math.Max(4096, payload.Length)];
        if (_fragmentLength + payload.Length > _fragments.Length)
        {
            Array.Resize(ref _fragments, Math.Max(_fragmentLength + payload.Length, _fragments.Length * 2));
        }

        payload.CopyTo(_fragments.AsSpan(_fragmentLength));
        _fragmentLength += payload.Length;
    }

    private bool SendFrame(int opcode, byte[] frame, int length)
    {
        // The header goes right before the payload, so the frame is one contiguous write.
        var headerLength = length < 126 ? 6 : length <= ushort.MaxValue ? 8 : 14;
        var start = HeaderRoom - headerLength;
        var header = frame.AsSpan(start, headerLength);
        header[0] = (byte)(Fin | opcode);
        if (length < 126)
        {
            header[1] = (byte)(Mask | length);
        }
        else if (length <= ushort.MaxValue)
        {
            header[1] = Mask | 126;
            BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)length);
        }
        else
        {
            header[1] = Mask | 127;
            BinaryPrimitives.WriteUInt64BigEndian(header[2..], (ulong)length);
        }

        var maskKey = (uint)Random.Shared.Next() | 1u;
        BinaryPrimitives.WriteUInt32LittleEndian(header[(headerLength - 4)..], maskKey);
        ApplyMask(frame.AsSpan(HeaderRoom, length), maskKey);
        lock (_sendGate)
        {
            if (_closeSent)
            {
                return false;
            }

            _closeSent = opcode == 0x8;
            try
            {
                var remaining = frame.AsSpan(start, headerLength + length);
                while (!remaining.IsEmpty)
                {
                    remaining = remaining[_socket.Send(remaining)..];
                }

                return true;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return false;
            }
        }
    }

    /// <summary>XORs the payload with the 4-byte mask (little-endian key: byte i uses key byte i % 4).</summary>
    private static void ApplyMask(Span<byte> payload, uint maskKey)
    {
        var words = MemoryMarshal.Cast<byte, uint>(payload);
        for (var i = 0; i < words.Length; i++)
        {
            words[i] ^= maskKey;
        }

        for (var i = words.Length * 4; i < payload.Length; i++)
        {
            payload[i] ^= (byte)(maskKey >> (8 * (i % 4)));
        }
    }
}
