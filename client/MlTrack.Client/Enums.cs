using System.Text.Json.Serialization;

namespace MlTrack.Client;

/// <summary>The status of a run (MLflow's RunStatus; sent and read by name).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunStatus>))]
public enum RunStatus
{
    /// <summary>The run is in progress.</summary>
    [JsonStringEnumMemberName("RUNNING")]
    Running = 1,

    /// <summary>The run is scheduled to start.</summary>
    [JsonStringEnumMemberName("SCHEDULED")]
    Scheduled = 2,

    /// <summary>The run ended successfully.</summary>
    [JsonStringEnumMemberName("FINISHED")]
    Finished = 3,

    /// <summary>The run ended with an error.</summary>
    [JsonStringEnumMemberName("FAILED")]
    Failed = 4,

    /// <summary>The run was stopped before it ended.</summary>
    [JsonStringEnumMemberName("KILLED")]
    Killed = 5,
}

/// <summary>Which lifecycle stages a search returns (MLflow's ViewType).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ViewType>))]
public enum ViewType
{
    /// <summary>Only active (not deleted) items; the servers' default.</summary>
    [JsonStringEnumMemberName("ACTIVE_ONLY")]
    ActiveOnly = 1,

    /// <summary>Only deleted items.</summary>
    [JsonStringEnumMemberName("DELETED_ONLY")]
    DeletedOnly = 2,

    /// <summary>Active and deleted items.</summary>
    [JsonStringEnumMemberName("ALL")]
    All = 3,
}

/// <summary>The registration status of a model version (MLflow's ModelVersionStatus).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModelVersionStatus>))]
public enum ModelVersionStatus
{
    /// <summary>Still being registered; MLflow also reads a missing status this way.</summary>
    [JsonStringEnumMemberName("PENDING_REGISTRATION")]
    PendingRegistration = 1,

    /// <summary>Registration failed.</summary>
    [JsonStringEnumMemberName("FAILED_REGISTRATION")]
    FailedRegistration = 2,

    /// <summary>Registered and usable.</summary>
    [JsonStringEnumMemberName("READY")]
    Ready = 3,
}
