using System.Buffers;
using System.Text;
using System.Text.Json;

namespace SmartElek.Gateway.Framing;

/// <summary>
/// The UTF-8 buffer and JSON writer a frame is written with, kept per thread and reused, so that
/// encoding a frame makes nothing but the frame's string. A buffer that grew past
/// <see cref="KeptBytes"/> for one large frame goes back to the pool instead of being kept.
/// </summary>
internal sealed class FrameWriter : IBufferWriter<byte>
{
    private const int KeptBytes = 64 * 1024;
    private static readonly JsonWriterOptions Options = new() { Indented = false, SkipValidation = true };

    [ThreadStatic] private static FrameWriter? t_idle;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1024);
    private int _written;
    private readonly Utf8JsonWriter _json;

    private FrameWriter() => _json = new Utf8JsonWriter(this, Options);

    /// <summary>Writes one frame with <paramref name="body"/> and returns it as a string.</summary>
    public static string Write<TState>(TState state, WriteBody<TState> body)
    {
        // Taken, not shared: a frame written while another is being written (never today) gets its own.
        var w = t_idle ?? new FrameWriter();
        t_idle = null;
        try
        {
            w._written = 0;
            w._json.Reset(w);
            body(w._json, state);
            w._json.Flush();
            return Encoding.UTF8.GetString(w._buffer, 0, w._written);
        }
        finally
        {
            if (w._buffer.Length > KeptBytes)
            {
                ArrayPool<byte>.Shared.Return(w._buffer);
                w._buffer = ArrayPool<byte>.Shared.Rent(1024);
            }
            t_idle = w;
        }
    }

    public delegate void WriteBody<TState>(Utf8JsonWriter writer, TState state);

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Grow(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Grow(sizeHint);
        return _buffer.AsSpan(_written);
    }

    private void Grow(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed <= _buffer.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
        _buffer.AsSpan(0, _written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
