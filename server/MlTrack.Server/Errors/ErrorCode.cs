namespace MlTrack.Server.Errors;

/// <summary>MLflow's error codes (databricks.proto ErrorCode); the wire carries the upper-case name.</summary>
internal enum ErrorCode
{
    INTERNAL_ERROR,
    TEMPORARILY_UNAVAILABLE,
    BAD_REQUEST,
    INVALID_PARAMETER_VALUE,
    ENDPOINT_NOT_FOUND,
    INVALID_STATE,
    PERMISSION_DENIED,
    FEATURE_DISABLED,
    RESOURCE_ALREADY_EXISTS,
    RESOURCE_DOES_NOT_EXIST,
    NOT_IMPLEMENTED,
    REQUEST_LIMIT_EXCEEDED,
    UNAUTHENTICATED,
}

internal static class ErrorCodeHttpStatus
{
    /// <summary>The code -> HTTP status table of mlflow/exceptions.py (ERROR_CODE_TO_HTTP_STATUS).</summary>
    public static int Of(ErrorCode code) => code switch
    {
        ErrorCode.BAD_REQUEST or ErrorCode.INVALID_PARAMETER_VALUE or ErrorCode.RESOURCE_ALREADY_EXISTS => 400,
        ErrorCode.UNAUTHENTICATED => 401,
        ErrorCode.PERMISSION_DENIED => 403,
        ErrorCode.RESOURCE_DOES_NOT_EXIST or ErrorCode.ENDPOINT_NOT_FOUND => 404,
        ErrorCode.REQUEST_LIMIT_EXCEEDED => 429,
        ErrorCode.NOT_IMPLEMENTED => 501,
        ErrorCode.TEMPORARILY_UNAVAILABLE => 503,
        _ => 500,
    };
}
