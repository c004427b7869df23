using System.Text.Json.Serialization;

// Wire models for the subset of the Docker Engine API that BotBottle uses.
// Field names and shapes follow https://docs.docker.com/reference/api/engine/version/v1.41/ (the oldest version we
// accept) and stay valid up to the newest version we negotiate. Properties are named as the engine names them.
namespace BotBottle.Backends.Docker.Engine;

/// <summary>GET /version.</summary>
internal sealed class EngineVersion
{
    public string? Version { get; set; }

    public string? ApiVersion { get; set; }

    public string? MinAPIVersion { get; set; }

    public string? Os { get; set; }

    public string? Arch { get; set; }

    public string? KernelVersion { get; set; }

    public List<EngineComponent>? Components { get; set; }
}

internal sealed class EngineComponent
{
    public string? Name { get; set; }

    public string? Version { get; set; }
}

/// <summary>GET /info (subset).</summary>
internal sealed class EngineInfo
{
    public string? ID { get; set; }

    public string? Name { get; set; }

    public string? ServerVersion { get; set; }

    public string? OperatingSystem { get; set; }

    public string? OSType { get; set; }

    public string? Architecture { get; set; }

    public int NCPU { get; set; }

    public long MemTotal { get; set; }

    public string? Driver { get; set; }

    public string? CgroupVersion { get; set; }

    public string? DefaultRuntime { get; set; }

    public Dictionary<string, EngineRuntime>? Runtimes { get; set; }

    public List<string>? SecurityOptions { get; set; }
}

internal sealed class EngineRuntime
{
    public string? Path { get; set; }
}

/// <summary>The error body the engine returns with 4xx/5xx: <c>{"message": "…"}</c>.</summary>
internal sealed class EngineErrorBody
{
    public string? Message { get; set; }
}

/// <summary>POST /containers/create body.</summary>
internal sealed class ContainerCreateRequest
{
    public string? Hostname { get; set; }

    public string? Domainname { get; set; }

    public string? User { get; set; }

    public bool AttachStdin { get; set; }

    public bool AttachStdout { get; set; }

    public bool AttachStderr { get; set; }

    public bool Tty { get; set; }

    public bool OpenStdin { get; set; }

    public bool StdinOnce { get; set; }

    public List<string>? Env { get; set; }

    public List<string>? Cmd { get; set; }

    public List<string>? Entrypoint { get; set; }

    public required string Image { get; set; }

    public string? WorkingDir { get; set; }

    public Dictionary<string, string>? Labels { get; set; }

    public Dictionary<string, EmptyObject>? ExposedPorts { get; set; }

    public string? StopSignal { get; set; }

    public int? StopTimeout { get; set; }

    public HealthConfig? Healthcheck { get; set; }

    public HostConfig? HostConfig { get; set; }

    public NetworkingConfig? NetworkingConfig { get; set; }
}

/// <summary>Serializes as <c>{}</c> (used by <c>ExposedPorts</c>).</summary>
internal sealed class EmptyObject
{
}

internal sealed class HealthConfig
{
    public List<string>? Test { get; set; }

    /// <summary>Nanoseconds.</summary>
    public long Interval { get; set; }

    /// <summary>Nanoseconds.</summary>
    public long Timeout { get; set; }

    public int Retries { get; set; }

    /// <summary>Nanoseconds.</summary>
    public long StartPeriod { get; set; }
}

internal sealed class HostConfig
{
    public List<string>? Binds { get; set; }

    public List<Mount>? Mounts { get; set; }

    public string? NetworkMode { get; set; }

    public Dictionary<string, List<PortBinding>>? PortBindings { get; set; }

    public RestartPolicy? RestartPolicy { get; set; }

    public bool AutoRemove { get; set; }

    public List<string>? CapAdd { get; set; }

    public List<string>? CapDrop { get; set; }

    public List<string>? Dns { get; set; }

    public List<string>? DnsOptions { get; set; }

    public List<string>? DnsSearch { get; set; }

    public List<string>? ExtraHosts { get; set; }

    public bool Privileged { get; set; }

    public bool ReadonlyRootfs { get; set; }

    public List<string>? SecurityOpt { get; set; }

    public Dictionary<string, string>? Tmpfs { get; set; }

    public Dictionary<string, string>? Sysctls { get; set; }

    public string? Runtime { get; set; }

    public bool? Init { get; set; }

    /// <summary>Bytes.</summary>
    public long Memory { get; set; }

    /// <summary>CPU quota in units of 1e-9 CPUs.</summary>
    public long NanoCpus { get; set; }

    public long? PidsLimit { get; set; }

    public string? IpcMode { get; set; }

    public string? PidMode { get; set; }

    public string? UsernsMode { get; set; }
}

internal sealed class Mount
{
    /// <summary><c>bind</c>, <c>volume</c> or <c>tmpfs</c>.</summary>
    public required string Type { get; set; }

    public string? Source { get; set; }

    public required string Target { get; set; }

    public bool ReadOnly { get; set; }
}

internal sealed class PortBinding
{
    public string? HostIp { get; set; }

    public string? HostPort { get; set; }
}

internal sealed class RestartPolicy
{
    public string? Name { get; set; }

    public int MaximumRetryCount { get; set; }
}

internal sealed class NetworkingConfig
{
    public Dictionary<string, EndpointSettings>? EndpointsConfig { get; set; }
}

internal sealed class EndpointSettings
{
    public EndpointIpamConfig? IPAMConfig { get; set; }

    public List<string>? Aliases { get; set; }

    public string? NetworkID { get; set; }

    public string? IPAddress { get; set; }

    public string? Gateway { get; set; }

    public string? MacAddress { get; set; }
}

internal sealed class EndpointIpamConfig
{
    public string? IPv4Address { get; set; }
}

internal sealed class CreateResponse
{
    public string Id { get; set; } = string.Empty;

    public List<string>? Warnings { get; set; }

    public string? Warning { get; set; }
}

/// <summary>GET /containers/{id}/json (subset).</summary>
internal sealed class ContainerInspect
{
    public string Id { get; set; } = string.Empty;

    public string? Name { get; set; }

    public string? Created { get; set; }

    public string? Image { get; set; }

    public ContainerState? State { get; set; }

    public int RestartCount { get; set; }

    public ContainerConfig? Config { get; set; }

    public HostConfig? HostConfig { get; set; }

    public NetworkSettings? NetworkSettings { get; set; }

    public List<MountPoint>? Mounts { get; set; }
}

internal sealed class ContainerState
{
    public string? Status { get; set; }

    public bool Running { get; set; }

    public bool Paused { get; set; }

    public bool Restarting { get; set; }

    public bool OOMKilled { get; set; }

    public bool Dead { get; set; }

    public int Pid { get; set; }

    public int ExitCode { get; set; }

    public string? Error { get; set; }

    public string? StartedAt { get; set; }

    public string? FinishedAt { get; set; }

    public ContainerHealth? Health { get; set; }
}

internal sealed class ContainerHealth
{
    public string? Status { get; set; }

    public int FailingStreak { get; set; }
}

internal sealed class ContainerConfig
{
    public bool Tty { get; set; }

    public string? Hostname { get; set; }

    public string? User { get; set; }

    public List<string>? Env { get; set; }

    public List<string>? Cmd { get; set; }

    public string? Image { get; set; }

    public Dictionary<string, string>? Labels { get; set; }
}

internal sealed class NetworkSettings
{
    public Dictionary<string, EndpointSettings>? Networks { get; set; }
}

internal sealed class MountPoint
{
    public string? Type { get; set; }

    public string? Name { get; set; }

    public string? Source { get; set; }

    public string? Destination { get; set; }
}

/// <summary>GET /containers/json item.</summary>
internal sealed class ContainerSummary
{
    public string Id { get; set; } = string.Empty;

    public List<string>? Names { get; set; }

    public string? Image { get; set; }

    public string? ImageID { get; set; }

    public long Created { get; set; }

    public string? State { get; set; }

    public string? Status { get; set; }

    public Dictionary<string, string>? Labels { get; set; }
}

/// <summary>POST /containers/{id}/wait response.</summary>
internal sealed class ContainerWaitResponse
{
    public long StatusCode { get; set; }

    public ContainerWaitError? Error { get; set; }
}

internal sealed class ContainerWaitError
{
    public string? Message { get; set; }
}

/// <summary>POST /containers/{id}/exec body.</summary>
internal sealed class ExecCreateRequest
{
    public bool AttachStdin { get; set; }

    public bool AttachStdout { get; set; } = true;

    public bool AttachStderr { get; set; } = true;

    public bool Tty { get; set; }

    public List<string>? Env { get; set; }

    public required List<string> Cmd { get; set; }

    public string? User { get; set; }

    public string? WorkingDir { get; set; }

    public bool Privileged { get; set; }
}

internal sealed class ExecStartRequest
{
    public bool Detach { get; set; }

    public bool Tty { get; set; }
}

/// <summary>GET /exec/{id}/json (subset).</summary>
internal sealed class ExecInspect
{
    public string? ID { get; set; }

    public bool Running { get; set; }

    public int? ExitCode { get; set; }

    public int Pid { get; set; }
}

/// <summary>POST /networks/create body.</summary>
internal sealed class NetworkCreateRequest
{
    public required string Name { get; set; }

    /// <summary>
    /// Refuse (409) a name that an existing network has. Engines before API 1.44 default to false and create a second
    /// network with the same name, which makes every later lookup by name ambiguous; 1.44+ always check and ignore it
    /// (Docker Engine API, NetworkCreate).
    /// </summary>
    public bool CheckDuplicate { get; set; } = true;

    public string Driver { get; set; } = "bridge";

    public bool Internal { get; set; }

    public bool Attachable { get; set; }

    public bool EnableIPv6 { get; set; }

    public Ipam? IPAM { get; set; }

    public Dictionary<string, string>? Options { get; set; }

    public Dictionary<string, string>? Labels { get; set; }
}

internal sealed class Ipam
{
    public string? Driver { get; set; }

    public List<IpamConfig>? Config { get; set; }
}

internal sealed class IpamConfig
{
    public string? Subnet { get; set; }

    public string? Gateway { get; set; }

    public string? IPRange { get; set; }
}

/// <summary>GET /networks/{id} and /networks item.</summary>
internal sealed class NetworkInspect
{
    public string Id { get; set; } = string.Empty;

    public string? Name { get; set; }

    public string? Driver { get; set; }

    public bool Internal { get; set; }

    public Ipam? IPAM { get; set; }

    public Dictionary<string, NetworkContainer>? Containers { get; set; }

    public Dictionary<string, string>? Labels { get; set; }
}

internal sealed class NetworkContainer
{
    public string? Name { get; set; }

    public string? IPv4Address { get; set; }
}

internal sealed class NetworkConnectRequest
{
    public required string Container { get; set; }

    public EndpointSettings? EndpointConfig { get; set; }
}

internal sealed class NetworkDisconnectRequest
{
    public required string Container { get; set; }

    public bool Force { get; set; }
}

/// <summary>POST /volumes/create body.</summary>
internal sealed class VolumeCreateRequest
{
    public string? Name { get; set; }

    public string? Driver { get; set; }

    public Dictionary<string, string>? Labels { get; set; }
}

internal sealed class VolumeInspect
{
    public string Name { get; set; } = string.Empty;

    public string? Driver { get; set; }

    public string? Mountpoint { get; set; }

    public Dictionary<string, string>? Labels { get; set; }
}

internal sealed class VolumeListResponse
{
    public List<VolumeInspect>? Volumes { get; set; }
}

/// <summary>GET /images/{name}/json (subset).</summary>
internal sealed class ImageInspect
{
    public string Id { get; set; } = string.Empty;

    public List<string>? RepoTags { get; set; }

    public string? Created { get; set; }

    public long Size { get; set; }

    public string? Architecture { get; set; }

    public string? Os { get; set; }

    public ImageConfig? Config { get; set; }
}

internal sealed class ImageConfig
{
    public Dictionary<string, string>? Labels { get; set; }

    public string? User { get; set; }

    public List<string>? Env { get; set; }
}

internal sealed class ImageSummary
{
    public string Id { get; set; } = string.Empty;

    public List<string>? RepoTags { get; set; }

    public long Created { get; set; }

    public long Size { get; set; }

    public Dictionary<string, string>? Labels { get; set; }
}

/// <summary>One line of a build or pull progress stream (JSON messages).</summary>
internal sealed class JsonMessage
{
    [JsonPropertyName("stream")]
    public string? Stream { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("progress")]
    public string? Progress { get; set; }

    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("error")]
    public string? Error { get; set; }

    [JsonPropertyName("errorDetail")]
    public JsonMessageError? ErrorDetail { get; set; }

    [JsonPropertyName("aux")]
    public JsonMessageAux? Aux { get; set; }
}

internal sealed class JsonMessageError
{
    [JsonPropertyName("message")]
    public string? Message { get; set; }
}

internal sealed class JsonMessageAux
{
    [JsonPropertyName("ID")]
    public string? ID { get; set; }
}

/// <summary>One item of GET /events.</summary>
internal sealed class EngineEvent
{
    public string? Type { get; set; }

    public string? Action { get; set; }

    public EngineEventActor? Actor { get; set; }

    [JsonPropertyName("time")]
    public long Time { get; set; }

    [JsonPropertyName("timeNano")]
    public long TimeNano { get; set; }
}

internal sealed class EngineEventActor
{
    public string? ID { get; set; }

    public Dictionary<string, string>? Attributes { get; set; }
}

[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(EngineVersion))]
[JsonSerializable(typeof(EngineInfo))]
[JsonSerializable(typeof(EngineErrorBody))]
[JsonSerializable(typeof(ContainerCreateRequest))]
[JsonSerializable(typeof(CreateResponse))]
[JsonSerializable(typeof(ContainerInspect))]
[JsonSerializable(typeof(List<ContainerSummary>))]
[JsonSerializable(typeof(ContainerWaitResponse))]
[JsonSerializable(typeof(ExecCreateRequest))]
[JsonSerializable(typeof(ExecStartRequest))]
[JsonSerializable(typeof(ExecInspect))]
[JsonSerializable(typeof(NetworkCreateRequest))]
[JsonSerializable(typeof(NetworkInspect))]
[JsonSerializable(typeof(List<NetworkInspect>))]
[JsonSerializable(typeof(NetworkConnectRequest))]
[JsonSerializable(typeof(NetworkDisconnectRequest))]
[JsonSerializable(typeof(VolumeCreateRequest))]
[JsonSerializable(typeof(VolumeInspect))]
[JsonSerializable(typeof(VolumeListResponse))]
[JsonSerializable(typeof(ImageInspect))]
[JsonSerializable(typeof(List<ImageSummary>))]
[JsonSerializable(typeof(JsonMessage))]
[JsonSerializable(typeof(EngineEvent))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, List<string>>))]
internal sealed partial class DockerJsonContext : JsonSerializerContext
{
}
