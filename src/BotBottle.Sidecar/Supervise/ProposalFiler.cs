using System.Security.Cryptography;
using BotBottle.Proposals;

namespace BotBottle.Sidecar.Supervise;

/// <summary>
/// The sidecar's side of the proposal exchange: files proposals into the bottle's state folder and waits for the
/// operator's decision (bounded). On timeout it records the expiry first, then reports it, so what it held fails
/// closed.
/// </summary>
internal sealed class ProposalFiler(ProposalExchange exchange, string slug, TimeSpan timeout)
{
    /// <summary>How long a filer waits for a decision.</summary>
    public TimeSpan Timeout { get; } = timeout;

    public ProposalExchange Exchange => exchange;

    /// <summary>A new time-ordered id: <c>&lt;slug&gt;-&lt;13 base36&gt;</c>.</summary>
    public string NewId()
    {
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        var value = ((ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << 20) | (uint)RandomNumberGenerator.GetInt32(1 << 20);
        Span<char> text = stackalloc char[13];
        for (var i = 12; i >= 0; i--)
        {
            text[i] = digits[(int)(value % 36)];
            value /= 36;
        }

        return $"{slug}-{text}";
    }

    /// <summary>Files <paramref name="proposal"/> and waits for its decision; <see langword="null"/> on timeout (recorded as expired).</summary>
    public async Task<ProposalDecision?> FileAndWaitAsync(BottleProposal proposal, CancellationToken cancellationToken)
    {
        exchange.WritePending(proposal);
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            if (exchange.TryReadDecision(proposal.Id) is { } decision)
            {
                return decision;
            }

            if (DateTime.UtcNow >= deadline)
            {
                exchange.WriteExpired(proposal.Id, DateTimeOffset.UtcNow);
                // A decision that raced the expiry still counts.
                return exchange.TryReadDecision(proposal.Id);
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }
}
