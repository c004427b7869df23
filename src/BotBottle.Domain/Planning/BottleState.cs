using System.Text.Json.Serialization;
using BotBottle.Serialization;

namespace BotBottle.Planning;

/// <summary>Lifecycle state of a bottle instance (PRODUCT.md §4).</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<BottleState>))]
public enum BottleState
{
    /// <summary>Plan and metadata written; nothing runs yet.</summary>
    Prepared,

    /// <summary>Images, networks, sidecar and agent are being brought up.</summary>
    Starting,

    /// <summary>The sidecar and the agent run.</summary>
    Running,

    /// <summary>Stopped; the state dir is kept and the instance can be resumed.</summary>
    Stopped,

    /// <summary>Launch or run failed; the state dir is kept so it can be inspected and resumed.</summary>
    Failed,
}
