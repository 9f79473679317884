using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace MlTrack.Cli.Serving;

/// <summary>
/// MLflow's scoring protocol (mlflow/pyfunc/scoring_server at v2.12.2): <c>POST /invocations</c> with JSON or CSV
/// answers <c>{"predictions": [...]}</c>; <c>GET /ping</c> and <c>/health</c> answer 200 while a model is loaded;
/// <c>GET /version</c> the MLflow version whose protocol this is. Bad input is 400 with MLflow's error JSON, an
/// unsupported content type 415 with MLflow's text.
/// </summary>
internal static class ScoringEndpoints
{
    /// <summary>The MLflow release whose scoring protocol this follows.</summary>
    public const string MlflowVersion = "2.12.2";

    /// <summary>The registered model version that scored a request, when it came from the registry.</summary>
    public const string ModelVersionHeader = "MlTrack-Model-Version";

    private const string Json = "application/json";
    private const string Csv = "text/csv";

    public static void Map(WebApplication app, ServedModel served)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/ping", Ping);
        app.MapGet("/health", Ping);
        app.MapGet("/version", context =>
        {
            context.Response.ContentType = Json;
            return context.Response.WriteAsync(MlflowVersion);
        });
        app.MapPost("/invocations", context => InvokeAsync(context, served));
    }

    // MLflow answers a newline with the JSON content type.
    private static Task Ping(HttpContext context)
    {
        context.Response.ContentType = Json;
        return context.Response.WriteAsync("\n");
    }

    private enum BodyFormat
    {
        Unsupported,
        Json,
        Csv,
    }

    private static async Task InvokeAsync(HttpContext context, ServedModel served)
    {
        // One read: this request is scored by this model even if a promotion swaps another in meanwhile.
        var model = served.Current;
        var (format, problem) = FormatOf(context.Request.ContentType);
        if (format == BodyFormat.Unsupported)
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(problem!);
            return;
        }

        var bodyReader = context.Request.BodyReader;
        var body = await ReadToEndAsync(bodyReader, context.RequestAborted);
        byte[] response;
        try
        {
            var rows = format == BodyFormat.Json
                ? InvocationParser.Parse(body.Buffer, model.Schema)
                : CsvInvocationParser.Parse(body.Buffer, model.Schema);
            response = Predictions(model, rows);
        }
        catch (InvalidInputException e)
        {
            response = Error(e.Message);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        finally
        {
            bodyReader.AdvanceTo(body.Buffer.End);
        }

        context.Response.ContentType = Json;
        context.Response.ContentLength = response.Length;
        if (model.Version is { } version)
        {
            context.Response.Headers[ModelVersionHeader] = version;
        }
        await context.Response.Body.WriteAsync(response, context.RequestAborted);
    }

    /// <summary>Buffers the whole body in the pipe, which keeps it in pooled segments rather than one new array.</summary>
    private static async Task<ReadResult> ReadToEndAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            if (result.IsCompleted || result.IsCanceled)
            {
                return result;
            }
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private static byte[] Predictions(LoadedModel model, FeatureMatrix rows)
    {
        var buffer = new ArrayBufferWriter<byte>(32 + (rows.RowCount * 24));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("predictions"u8);
            for (int i = 0; i < rows.RowCount; i++)
            {
                var prediction = model.Model.Predict(rows.Row(i));
                if (!double.IsFinite(prediction))
                {
                    // JSON has no infinity; inputs this large are the caller's to fix.
                    throw new InvalidInputException($"The prediction for row {i} is not a finite number: its inputs are too large for the model.");
                }
                writer.WriteNumberValue(prediction);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Error(string message)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + message.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("error_code"u8, "BAD_REQUEST");
            writer.WriteString("message"u8, message);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>JSON or CSV in UTF-8, as MLflow accepts: another charset or any other parameter is refused.</summary>
    private static (BodyFormat Format, string? Problem) FormatOf(string? contentType)
    {
        // The common case, without parsing.
        if (string.Equals(contentType, Json, StringComparison.OrdinalIgnoreCase))
        {
            return (BodyFormat.Json, null);
        }
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var parsed))
        {
            return (BodyFormat.Unsupported, Unsupported(contentType));
        }
        var format = parsed.MediaType.Equals(Json, StringComparison.OrdinalIgnoreCase) ? BodyFormat.Json
            : parsed.MediaType.Equals(Csv, StringComparison.OrdinalIgnoreCase) ? BodyFormat.Csv
            : BodyFormat.Unsupported;
        if (format == BodyFormat.Unsupported)
        {
            return (format, Unsupported(contentType));
        }
        if (parsed.Charset.HasValue && !parsed.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return (BodyFormat.Unsupported, "The scoring server only supports UTF-8");
        }
        var others = parsed.Parameters.Where(p => !p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)).Select(p => p.Name.ToString()).ToList();
        return others.Count > 0
            ? (BodyFormat.Unsupported, $"Unrecognized content type parameters: {string.Join(", ", others)}.")
            : (format, null);
    }

    private static string Unsupported(string? contentType) =>
        new StringBuilder("This predictor only supports the following content types: Types: ['text/csv', 'application/json']. Got '")
            .Append(contentType ?? "").Append("'.").ToString();
}
