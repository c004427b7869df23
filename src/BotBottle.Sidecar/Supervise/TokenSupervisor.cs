using System.Text.Json;
using BotBottle.Proposals;
using BotBottle.Serialization;
using BotBottle.Sidecar.Egress;

namespace BotBottle.Sidecar.Supervise;

/// <summary>
/// Holds requests on <c>supervise</c> routes: files an <c>egress-token-allow</c> proposal (host, method, path, each
/// finding with a redacted excerpt, and fingerprints — never the value) and waits. An approval adds the fingerprints
/// to the bottle's allowlist for that host only, so the same values pass to that host from then on; a denial or
/// timeout refuses the request.
/// </summary>
internal sealed class TokenSupervisor(ProposalFiler filer, TokenAllowlist allowlist, string slug, EgressLog log) : IRequestSupervisor
{
    public async Task<(bool Approved, string Notes)> HoldAsync(InspectedRequest request, InspectionResult inspection, CancellationToken cancellationToken)
    {
        var path = request.PathAndQuery.Split('?')[0];
        var findings = inspection.Reasons.Select(r => $"{r.Detector}/{r.Rule} at {r.Location}: {r.Message}").ToList();
        var proposal = new BottleProposal
        {
            Id = filer.NewId(),
            BottleName = slug,
            Kind = ProposalKind.EgressTokenAllow,
            Payload = JsonSerializer.Serialize(new TokenAllowPayload(request.Host, request.Method, path, findings, inspection.Fingerprints), ProposalJsonContext.Default.TokenAllowPayload),
            Summary = $"let {inspection.Reasons[0].Rule} through to {request.Host} ({request.Method} {path})",
            Justification = "held by the sidecar: the route's DLP policy is supervise",
            FiledAt = DateTimeOffset.UtcNow,
        };
        log.Event("request-held", $"{proposal.Id}: {proposal.Summary}");
        var decision = await filer.FileAndWaitAsync(proposal, cancellationToken).ConfigureAwait(false);
        if (decision?.State == ProposalState.Approved)
        {
            allowlist.Add(request.Host, inspection.Fingerprints);
            return (true, decision.Reason ?? "approved");
        }

        return (false, decision is null || decision.State == ProposalState.Expired ? "no decision before the timeout" : decision.Reason ?? "denied");
    }
}
