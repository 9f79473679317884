using System.Buffers;
using System.IO.Pipelines;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MlTrack.Server.Domain;
using MlTrack.Server.Storage;

namespace MlTrack.Server.Api.Metrics;

/// <summary>
/// Writes {"metrics": [...], "next_page_token"} as the points arrive, so a million-point history never sits in
/// memory; a point beyond the page size only signals that another page exists. Points are formatted straight
/// into the response pipe: the shape is fixed, so the per-property work of a JSON writer is not needed.
/// </summary>
internal sealed class MetricStreamResult(string key, IAsyncEnumerable<ArraySegment<MetricPoint>> chunks, int offset, int? pageSize) : IResult
{
    private const int FlushEveryBytes = 64 * 1024;
    private const int MaxPointBytes = 160;

    public async Task ExecuteAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        var body = context.Response.BodyWriter;
        // Every point shares the key, so its escaped form is built once, with what comes before it.
        var point = $"{{\"key\":{JsonSerializer.Serialize(key)},\"value\":";
        var firstPrefix = Encoding.UTF8.GetBytes("\"metrics\":[" + point);
        var nextPrefix = Encoding.UTF8.GetBytes("," + point);
        var written = 0;
        var more = false;
        var unflushed = 0;
        Write(body, "{"u8);
        await foreach (var chunk in chunks)
        {
            foreach (var metric in chunk)
            {
                if (written == pageSize)
                {
                    more = true;
                    break;
                }

                unflushed += WritePoint(body, written == 0 ? firstPrefix : nextPrefix, metric);
                written++;
            }

            if (more)
            {
                break;
            }

            if (unflushed > FlushEveryBytes)
            {
                await body.FlushAsync(context.RequestAborted);
                unflushed = 0;
            }
        }

        if (written > 0)
        {
            Write(body, "]"u8);
        }

        if (more)
        {
            Write(body, (written > 0 ? "," : "") + $"\"next_page_token\":\"{PageToken.Encode(offset + written)}\"");
        }

        Write(body, "}"u8);
        await body.FlushAsync(context.RequestAborted);
    }

    private static int WritePoint(PipeWriter output, byte[] prefix, MetricPoint metric)
    {
        var span = output.GetSpan(prefix.Length + MaxPointBytes);
        prefix.CopyTo(span);
        var n = prefix.Length;
        if (double.IsFinite(metric.Value))
        {
            metric.Value.TryFormat(span[n..], out var length, default, CultureInfo.InvariantCulture);
            n += length;
        }
        else
        {
            var text = double.IsNaN(metric.Value) ? "\"NaN\""u8 : metric.Value > 0 ? "\"Infinity\""u8 : "\"-Infinity\""u8;
            text.CopyTo(span[n..]);
            n += text.Length;
        }

        n += Append(span[n..], ",\"timestamp\":"u8, metric.Timestamp);
        n += Append(span[n..], ",\"step\":"u8, metric.Step);
        span[n++] = (byte)'}';
        output.Advance(n);
        return n;
    }

    private static int Append(Span<byte> span, ReadOnlySpan<byte> name, long value)
    {
        name.CopyTo(span);
        value.TryFormat(span[name.Length..], out var length, default, CultureInfo.InvariantCulture);
        return name.Length + length;
    }

    private static void Write(PipeWriter output, ReadOnlySpan<byte> bytes) => output.Write(bytes);

    private static void Write(PipeWriter output, string text) => output.Write(Encoding.UTF8.GetBytes(text));
}
