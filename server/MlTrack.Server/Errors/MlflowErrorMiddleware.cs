using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlTrack.Server.Errors;

/// <summary>
/// Every failure leaves as MLflow's error JSON <c>{"error_code", "message"}</c> with the status of its code;
/// unmatched routes and methods too, so that no client ever sees an HTML error page.
/// </summary>
internal sealed class MlflowErrorMiddleware(RequestDelegate next, ILogger<MlflowErrorMiddleware> logger)
{
    // PostgreSQL's SQLSTATE for a character its encoding cannot represent (U+0000 in text).
    private const string CharacterNotInRepertoire = "22021";

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
            if (context.Response is { HasStarted: false, StatusCode: 404 or 405 })
            {
                var method = context.Request.Method;
                var path = context.Request.Path;
                await WriteAsync(context, context.Response.StatusCode == 404
                    ? new MlflowException(ErrorCode.ENDPOINT_NOT_FOUND, $"No endpoint {method} {path} exists.")
                    : new MlflowException(ErrorCode.BAD_REQUEST, $"Method {method} is not allowed for {path}."), context.Response.StatusCode);
            }
        }
        catch (MlflowException e) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, e, e.HttpStatus);
        }
        catch (Search.FilterSyntaxException e) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, MlflowException.InvalidParameter(e.Message), StatusCodes.Status400BadRequest);
        }
        catch (Api.Artifacts.ArtifactsDisabledException e) when (!context.Response.HasStarted)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(e.Message, context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, MlflowException.BadRequest(e.Message), e.StatusCode);
        }
        catch (System.Data.Common.DbException e) when (e.SqlState == CharacterNotInRepertoire && !context.Response.HasStarted)
        {
            // PostgreSQL's text cannot hold U+0000: nothing with it can be stored, or found.
            await WriteAsync(context, MlflowException.InvalidParameter("Text values cannot contain the NUL character (U+0000) on this server's PostgreSQL store."), 400);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            logger.LogError(e, "Unhandled error in {Method} {Path}", context.Request.Method, context.Request.Path);
            await WriteAsync(context, new MlflowException(ErrorCode.INTERNAL_ERROR, e.Message), 500);
        }
    }

    private static async Task WriteAsync(HttpContext context, MlflowException error, int status)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(
            context.Response.Body, new ErrorBody(error.Code.ToString(), error.Message), ErrorJsonContext.Default.ErrorBody, context.RequestAborted);
    }

    internal sealed record ErrorBody(
        [property: JsonPropertyName("error_code")] string ErrorCode, [property: JsonPropertyName("message")] string Message);
}

[JsonSerializable(typeof(MlflowErrorMiddleware.ErrorBody))]
internal sealed partial class ErrorJsonContext : JsonSerializerContext;
