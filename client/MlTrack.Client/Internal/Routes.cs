namespace MlTrack.Client.Internal;

/// <summary>Every route the client calls, relative to <c>&lt;tracking URI&gt;/api/2.0</c> (mlflow/protos/*.proto).</summary>
internal static class Routes
{
    public const string CreateExperiment = "/mlflow/experiments/create";
    public const string GetExperiment = "/mlflow/experiments/get";
    public const string GetExperimentByName = "/mlflow/experiments/get-by-name";
    public const string SearchExperiments = "/mlflow/experiments/search";
    public const string UpdateExperiment = "/mlflow/experiments/update";
    public const string DeleteExperiment = "/mlflow/experiments/delete";
    public const string RestoreExperiment = "/mlflow/experiments/restore";
    public const string SetExperimentTag = "/mlflow/experiments/set-experiment-tag";
    public const string DeleteExperimentTag = "/mlflow/experiments/delete-experiment-tag";

    public const string CreateRun = "/mlflow/runs/create";
    public const string GetRun = "/mlflow/runs/get";
    public const string UpdateRun = "/mlflow/runs/update";
    public const string DeleteRun = "/mlflow/runs/delete";
    public const string RestoreRun = "/mlflow/runs/restore";
    public const string SearchRuns = "/mlflow/runs/search";
    public const string SetRunTag = "/mlflow/runs/set-tag";
    public const string DeleteRunTag = "/mlflow/runs/delete-tag";
    public const string LogMetric = "/mlflow/runs/log-metric";
    public const string LogParam = "/mlflow/runs/log-parameter";
    public const string LogBatch = "/mlflow/runs/log-batch";
    public const string LogInputs = "/mlflow/runs/log-inputs";
    public const string LogModel = "/mlflow/runs/log-model";

    public const string GetMetricHistory = "/mlflow/metrics/get-history";
    public const string GetMetricHistoryBulkInterval = "/mlflow/metrics/get-history-bulk-interval";

    public const string ListRunArtifacts = "/mlflow/artifacts/list";
    public const string ProxyArtifacts = "/mlflow-artifacts/artifacts";

    public const string RegisteredModels = "/mlflow/registered-models";
    public const string CreateRegisteredModel = RegisteredModels + "/create";
    public const string GetRegisteredModel = RegisteredModels + "/get";
    public const string RenameRegisteredModel = RegisteredModels + "/rename";
    public const string UpdateRegisteredModel = RegisteredModels + "/update";
    public const string DeleteRegisteredModel = RegisteredModels + "/delete";
    public const string SearchRegisteredModels = RegisteredModels + "/search";
    public const string GetLatestVersions = RegisteredModels + "/get-latest-versions";
    public const string SetRegisteredModelTag = RegisteredModels + "/set-tag";
    public const string DeleteRegisteredModelTag = RegisteredModels + "/delete-tag";
    public const string RegisteredModelAlias = RegisteredModels + "/alias";

    public const string ModelVersions = "/mlflow/model-versions";
    public const string CreateModelVersion = ModelVersions + "/create";
    public const string GetModelVersion = ModelVersions + "/get";
    public const string UpdateModelVersion = ModelVersions + "/update";
    public const string DeleteModelVersion = ModelVersions + "/delete";
    public const string SearchModelVersions = ModelVersions + "/search";
    public const string GetModelVersionDownloadUri = ModelVersions + "/get-download-uri";
    public const string TransitionModelVersionStage = ModelVersions + "/transition-stage";
    public const string SetModelVersionTag = ModelVersions + "/set-tag";
    public const string DeleteModelVersionTag = ModelVersions + "/delete-tag";
}
