using System.Collections.Concurrent;
using System.Text.Json;
using BotBottle.Proposals;
using BotBottle.Serialization;

namespace BotBottle.Sidecar.Supervise;

/// <summary>
/// Values the operator approved as safe for the life of the bottle (approved <c>egress-token-allow</c> proposals),
/// by host and fingerprint (<see cref="BotBottle.Egress.EgressInspector.ApprovalKey(string, string)"/>): an approval holds only for the host it
/// was filed for. Rebuilt at start from the delivered decisions, so a sidecar restart keeps them.
/// </summary>
internal sealed class TokenAllowlist : IReadOnlySet<string>
{
    private readonly ConcurrentDictionary<string, byte> _fingerprints = new(StringComparer.Ordinal);

    /// <summary>Approves <paramref name="fingerprints"/> for <paramref name="host"/>.</summary>
    public void Add(string host, IEnumerable<string> fingerprints)
    {
        foreach (var f in fingerprints)
        {
            _fingerprints[BotBottle.Egress.EgressInspector.ApprovalKey(host, f)] = 0;
        }
    }

    /// <summary>Loads every approved token allowance from the exchange's delivered decisions.</summary>
    public void Load(ProposalExchange exchange)
    {
        foreach (var p in exchange.ReadPending().Where(p => p.Kind == ProposalKind.EgressTokenAllow))
        {
            if (exchange.TryReadDecision(p.Id) is { State: ProposalState.Approved } && JsonSerializer.Deserialize(p.Payload, ProposalJsonContext.Default.TokenAllowPayload) is { } payload)
            {
                Add(payload.Host, payload.Fingerprints);
            }
        }
    }

    public int Count => _fingerprints.Count;

    public bool Contains(string item) => _fingerprints.ContainsKey(item);

    public IEnumerator<string> GetEnumerator() => _fingerprints.Keys.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public bool IsProperSubsetOf(IEnumerable<string> other) => _fingerprints.Keys.ToHashSet().IsProperSubsetOf(other);

    public bool IsProperSupersetOf(IEnumerable<string> other) => _fingerprints.Keys.ToHashSet().IsProperSupersetOf(other);

    public bool IsSubsetOf(IEnumerable<string> other) => _fingerprints.Keys.ToHashSet().IsSubsetOf(other);

    public bool IsSupersetOf(IEnumerable<string> other) => _fingerprints.Keys.ToHashSet().IsSupersetOf(other);

    public bool Overlaps(IEnumerable<string> other) => other.Any(Contains);

    public bool SetEquals(IEnumerable<string> other) => _fingerprints.Keys.ToHashSet().SetEquals(other);
}
