using System.Net;
using System.Text;
using System.Text.Json;
using BotBottle.Configuration;
using BotBottle.Instances;
using BotBottle.Planning;
using BotBottle.Policy;
using BotBottle.Proposals;
using BotBottle.Serialization;
using BotBottle.Sidecar.Egress;
using BotBottle.Sidecar.Supervise;

namespace BotBottle.Tests;

/// <summary>
/// Requests held by <c>outbound_on_match: supervise</c>: the real proxy with the real DLP inspector files an
/// egress-token-allow into a prepared bottle's state folder, and the host's real ProposalService decides.
/// </summary>
public sealed class TokenSupervisionTests : IAsyncLifetime
{
    // A synthetic AWS access key id shape (AKIA + 16 base32 characters); not a real key.
    private const string AwsKey = "AKIAQ2W3E4R5T6Y7U2I3";
    private const string OtherKey = "AKIAZ7X6C5V4B3N2M7K4";

    private readonly TempDirectory _dir = new("bbtok");
    private BotBottleServices _services = null!;
    private ProposalExchange _exchange = null!;

    public async Task InitializeAsync()
    {
        _dir.WriteFile("home/bottles/b.md", "---\nagent_provider: {template: shell}\n---\n");
        _dir.WriteFile("home/agents/a.md", "---\nbottle: b\n---\nagent\n");
        Directory.CreateDirectory(_dir.Combine("project"));
        _services = new BotBottleServices(new BotBottleHome(_dir.Combine("home")), _dir.Combine("project"), Processes.ProcessRunner.Default);
        var prepared = await _services.Preparer.PrepareAsync(new PrepareRequest { Agent = "a", Label = "tok" }, new DictionarySecretSource(new Dictionary<string, SecretValue>()), dryRun: false);
        _exchange = new ProposalExchange(prepared.Bottle.StateDirectory);
        _exchange.EnsureFolders();
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private async Task<ProxyHarness> Start(TimeSpan timeout, TokenAllowlist? allowlist = null, params EgressRoute[] more)
    {
        allowlist ??= new TokenAllowlist();
        var log = new EgressLog(TextWriter.Null);
        var supervisor = new TokenSupervisor(new ProposalFiler(_exchange, "tok", timeout), allowlist, "tok", log);
        var policy = new EgressPolicy([ProxyHarness.Route() with { Dlp = new RouteDlp { OutboundOnMatch = DlpAction.Supervise } }, .. more]);
        return await ProxyHarness.StartAsync(policy, SidecarInspector.Create(new Dictionary<string, string>(), allowlist), supervisor: supervisor, log: log);
    }

    private static StringContent Json(string key) => new($$"""{"k":"{{key}}"}""", Encoding.UTF8, "application/json");

    /// <summary>
    /// The first pending proposal, once the sidecar has filed it for <paramref name="held"/>. Polls the host's real
    /// ProposalService (it imports the sidecar's files on every call, as Get-BottleProposal does); fails at once if the
    /// request is answered without being held. The guard ends a hang; it is not a deadline the sidecar has to meet.
    /// </summary>
    private async Task<BottleProposal> PendingAsync(Task<HttpResponseMessage> held)
    {
        using var hangGuard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            if (_services.Proposals.List(new ProposalQuery { State = ProposalState.Pending }).FirstOrDefault() is { } p)
            {
                return p;
            }

            if (held.IsCompleted)
            {
                Assert.Fail($"the request was answered without being held for a decision: {(held.IsCompletedSuccessfully ? held.Result.StatusCode.ToString() : held.Exception?.GetBaseException().Message)}");
            }

            await Task.Delay(50, hangGuard.Token);
        }
    }

    [Fact]
    public async Task A_held_request_is_filed_without_the_value_and_passes_once_approved_and_the_value_stays_allowed()
    {
        await using var h = await Start(TimeSpan.FromSeconds(30));
        using var client = h.CreateClient();
        var send = client.PostAsync(h.Https("/upload"), Json(AwsKey));

        var p = await PendingAsync(send);
        Assert.Equal(ProposalKind.EgressTokenAllow, p.Kind);
        Assert.False(send.IsCompleted);
        Assert.Empty(h.Upstream.Received);
        var payload = JsonSerializer.Deserialize(p.Payload, CoreJsonContext.Default.TokenAllowPayload)!;
        Assert.Equal(("upstream.test", "POST", "/upload"), (payload.Host, payload.Method, payload.Path));
        Assert.Contains(payload.Findings, f => f.Contains("aws", StringComparison.OrdinalIgnoreCase) && f.Contains("body", StringComparison.Ordinal));
        foreach (var file in Directory.GetFiles(Path.Combine(_exchange.StateDirectory, "proposals"), "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain(AwsKey, File.ReadAllText(file), StringComparison.Ordinal); // never the raw value
        }

        Assert.DoesNotContain(AwsKey, JsonSerializer.Serialize(p, CoreJsonContext.Default.BottleProposal), StringComparison.Ordinal);
        Assert.Throws<Errors.BotBottleException>(() => _services.Proposals.Approve(p.Id, null, null)); // ReasonRequired
        _services.Proposals.Approve(p.Id, "synthetic test key, fine to send", null, "tester");

        var response = await send.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(AwsKey, Encoding.UTF8.GetString(h.Upstream.Last("/upload").Body), StringComparison.Ordinal);

        // The same value is allowed from now on without asking; a different one is held again.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(h.Https("/upload"), Json(AwsKey))).StatusCode);
        Assert.Single(_services.Proposals.List(new ProposalQuery()));
        var other = client.PostAsync(h.Https("/upload"), Json(OtherKey));
        var second = await PendingAsync(other);
        _services.Proposals.Deny(second.Id, "no", "tester");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.WaitAsync(TimeSpan.FromSeconds(20))).StatusCode);
    }

    [Fact]
    public async Task A_denied_request_is_refused_with_the_operators_reason_and_never_reaches_the_upstream()
    {
        await using var h = await Start(TimeSpan.FromSeconds(30));
        using var client = h.CreateClient();
        var send = client.PostAsync(h.Https("/upload"), Json(AwsKey));
        var p = await PendingAsync(send);
        _services.Proposals.Deny(p.Id, "that key must not leave", "tester");
        var response = await send.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("supervise", response.Headers.GetValues(Responses.DecisionHeader).Single());
        Assert.Contains("that key must not leave", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(h.Upstream.Received);
    }

    [Fact]
    public async Task With_no_decision_the_request_fails_closed_and_the_proposal_expires()
    {
        await using var h = await Start(TimeSpan.FromSeconds(1));
        using var client = h.CreateClient();
        var response = await client.PostAsync(h.Https("/upload"), Json(AwsKey));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("no decision before the timeout", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(h.Upstream.Received);
        var p = Assert.Single(_services.Proposals.List(new ProposalQuery()));
        Assert.Equal(ProposalState.Expired, p.State);
        var late = Assert.Throws<Errors.BotBottleException>(() => _services.Proposals.Approve(p.Id, "too late", null));
        Assert.Equal("ProposalNotPending", late.ErrorId);
    }

    [Fact]
    public async Task Approved_values_survive_a_sidecar_restart()
    {
        await using (var h = await Start(TimeSpan.FromSeconds(30)))
        {
            using var client = h.CreateClient();
            var send = client.PostAsync(h.Https("/upload"), Json(AwsKey));
            _services.Proposals.Approve((await PendingAsync(send)).Id, "fine", null, "tester");
            Assert.Equal(HttpStatusCode.OK, (await send.WaitAsync(TimeSpan.FromSeconds(20))).StatusCode);
        }

        var reloaded = new TokenAllowlist();
        reloaded.Load(_exchange); // what RunCommand does at start
        await using var again = await Start(TimeSpan.FromSeconds(1), reloaded);
        using var c2 = again.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await c2.PostAsync(again.Https("/upload"), Json(AwsKey))).StatusCode);
        Assert.Single(_services.Proposals.List(new ProposalQuery()));
    }

    [Fact]
    public async Task An_approved_value_is_allowed_only_to_the_host_it_was_filed_for_and_never_on_a_block_route()
    {
        // Issue 15 item 8: other.test supervises too, blocked.test blocks; both resolve to the same upstream. Every
        // held request here is decided by the test, so the supervisor's timeout is never reached (a short one made the
        // first approval a race with the expiry on a loaded machine).
        await using var h = await Start(TimeSpan.FromSeconds(30), null,
            ProxyHarness.Route("other.test") with { Dlp = new RouteDlp { OutboundOnMatch = DlpAction.Supervise } });
        h.SetPolicy(new EgressPolicy(
        [
            ProxyHarness.Route() with { Dlp = new RouteDlp { OutboundOnMatch = DlpAction.Supervise } },
            ProxyHarness.Route("other.test") with { Dlp = new RouteDlp { OutboundOnMatch = DlpAction.Supervise } },
        ]));
        using var client = h.CreateClient();
        var send = client.PostAsync(h.Https("/upload"), Json(AwsKey));
        _services.Proposals.Approve((await PendingAsync(send)).Id, "fine for upstream.test", null, "tester");
        Assert.Equal(HttpStatusCode.OK, (await send.WaitAsync(TimeSpan.FromSeconds(20))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(h.Https("/upload-again"), Json(AwsKey))).StatusCode); // control: still allowed there

        // Another supervise host: held again — a second proposal, for other.test — and refused once denied.
        var elsewhere = client.PostAsync(h.Https("/exfil", "other.test"), Json(AwsKey));
        var held = await PendingAsync(elsewhere);
        Assert.Equal("other.test", JsonSerializer.Deserialize(held.Payload, CoreJsonContext.Default.TokenAllowPayload)!.Host);
        Assert.False(elsewhere.IsCompleted);
        _services.Proposals.Deny(held.Id, "not for other.test", "tester");
        Assert.Equal(HttpStatusCode.Forbidden, (await elsewhere.WaitAsync(TimeSpan.FromSeconds(20))).StatusCode);
        Assert.Equal(2, _services.Proposals.List(new ProposalQuery()).Count);

        // The operator turns upstream.test to block: the approval no longer applies there.
        h.SetPolicy(new EgressPolicy([ProxyHarness.Route() with { Dlp = new RouteDlp { OutboundOnMatch = DlpAction.Block } }]));
        var blocked = await client.PostAsync(h.Https("/upload-blocked"), Json(AwsKey));
        Assert.Equal(HttpStatusCode.Forbidden, blocked.StatusCode);
        Assert.DoesNotContain(h.Upstream.Received, r => r.Path is "/exfil" or "/upload-blocked");
    }
}
