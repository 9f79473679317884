using System.Diagnostics;
using System.Net;

namespace MlTrack.Client;

/// <summary>
/// The server refused a call: it answered with an HTTP error (and usually MLflow's error body
/// <c>{"error_code": ..., "message": ...}</c>), or with a success whose body could not be read.
/// </summary>
[DebuggerDisplay("{ErrorCode,nq} ({(int)StatusCode}): {ServerMessage,nq}")]
public sealed class MlflowApiException : Exception
{
    /// <summary>Creates an exception with a message only (for tests and tooling); the status is 500 INTERNAL_ERROR.</summary>
    public MlflowApiException()
        : this(HttpStatusCode.InternalServerError, "INTERNAL_ERROR", "The MLflow server reported an error.", "")
    {
    }

    /// <summary>Creates an exception with a message only; the status is 500 INTERNAL_ERROR.</summary>
    /// <param name="message">What went wrong.</param>
    public MlflowApiException(string message)
        : this(HttpStatusCode.InternalServerError, "INTERNAL_ERROR", message, "")
    {
    }

    /// <summary>Creates an exception with a message and a cause; the status is 500 INTERNAL_ERROR.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public MlflowApiException(string message, Exception? innerException)
        : this(HttpStatusCode.InternalServerError, "INTERNAL_ERROR", message, "", innerException)
    {
    }

    /// <summary>Creates an exception describing a server's error answer.</summary>
    /// <param name="statusCode">The HTTP status of the answer.</param>
    /// <param name="errorCode">MLflow's error code, such as <c>RESOURCE_DOES_NOT_EXIST</c>.</param>
    /// <param name="serverMessage">The message the server gave.</param>
    /// <param name="responseBody">The body of the answer, as received.</param>
    /// <param name="innerException">The cause, if any.</param>
    public MlflowApiException(
        HttpStatusCode statusCode, string errorCode, string serverMessage, string responseBody, Exception? innerException = null)
        : base($"{errorCode} ({(int)statusCode}): {serverMessage}", innerException)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
        ServerMessage = serverMessage;
        ResponseBody = responseBody;
    }

    /// <summary>The HTTP status of the answer (404 for RESOURCE_DOES_NOT_EXIST, 400 for most invalid input, ...).</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>
    /// MLflow's error code, such as <c>RESOURCE_DOES_NOT_EXIST</c>, <c>RESOURCE_ALREADY_EXISTS</c> or
    /// <c>INVALID_PARAMETER_VALUE</c>; when the body carried none, the code MLflow's client derives from the status.
    /// </summary>
    public string ErrorCode { get; }

    /// <summary>The server's message, as sent (without the code and status that <see cref="Exception.Message"/> adds).</summary>
    public string ServerMessage { get; }

    /// <summary>The raw body of the answer (which is not always JSON: proxies answer with HTML or plain text).</summary>
    public string ResponseBody { get; }
}
