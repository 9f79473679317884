namespace MlTrack.Server.Errors;

/// <summary>An error the client sees as <c>{"error_code", "message"}</c> with the status of its code.</summary>
internal sealed class MlflowException(ErrorCode code, string message, int? httpStatus = null) : Exception(message)
{
    public ErrorCode Code { get; } = code;

    /// <summary>The status of the code, unless a more precise one was given (413 for an over-long body).</summary>
    public int HttpStatus { get; } = httpStatus ?? ErrorCodeHttpStatus.Of(code);

    public static MlflowException InvalidParameter(string message) => new(ErrorCode.INVALID_PARAMETER_VALUE, message);

    public static MlflowException NotFound(string message) => new(ErrorCode.RESOURCE_DOES_NOT_EXIST, message);

    public static MlflowException AlreadyExists(string message) => new(ErrorCode.RESOURCE_ALREADY_EXISTS, message);

    public static MlflowException BadRequest(string message) => new(ErrorCode.BAD_REQUEST, message);
}
