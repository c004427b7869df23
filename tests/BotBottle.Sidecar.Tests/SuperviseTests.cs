using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BotBottle.Backends;
using BotBottle.Configuration;
using BotBottle.Instances;
using BotBottle.Manifest;
using BotBottle.Planning;
using BotBottle.Proposals;
using BotBottle.Sidecar.Egress;
using BotBottle.Sidecar.Supervise;
using ModelContextProtocol;
using ModelContextProtocol.Client;

namespace BotBottle.Tests;

/// <summary>
/// The supervise MCP server in-process over a real prepared bottle's state folder, with the host's real
/// ProposalService deciding: MCP over real HTTP (the SDK's own client and raw JSON-RPC), files, SQLite.
/// </summary>
public sealed class SuperviseTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("bbsup");
    private BotBottleServices _services = null!;
    private string _state = null!;
    private PolicyHolder _policy = null!;
    private EgressLog _log = null!;
    private SuperviseServer _server = null!;
    private HttpClient _http = null!;

    private Uri Endpoint => new($"http://127.0.0.1:{_server.Endpoint.Port}/mcp");

    public async Task InitializeAsync()
    {
        _dir.WriteFile("home/bottles/b.md", "---\nagent_provider: {template: shell}\nenv:\n  API_KEY: \"?\"\negress:\n  routes:\n    - host: api.example.com\n      matches:\n        - methods: [GET]\n---\n");
        _dir.WriteFile("home/agents/a.md", "---\nbottle: b\n---\nagent\n");
        Directory.CreateDirectory(_dir.Combine("project"));
        _services = new BotBottleServices(new BotBottleHome(_dir.Combine("home")), _dir.Combine("project"), Processes.ProcessRunner.Default);
        var prepared = await _services.Preparer.PrepareAsync(new PrepareRequest { Agent = "a", Label = "sup" }, new DictionarySecretSource(new Dictionary<string, SecretValue> { ["API_KEY"] = new("k-0123456789abcdef") }), dryRun: false);
        _state = prepared.Bottle.StateDirectory;
        var routes = Path.Combine(_state, SidecarContract.RoutesFile);
        File.WriteAllText(routes, RoutesFile.Serialize(prepared.Plan.Bottle.Egress));
        _log = new EgressLog(TextWriter.Null);
        _policy = new PolicyHolder(routes, t => RoutesFile.Parse(t, routes), _log, TimeSpan.FromMilliseconds(200));
        var exchange = new ProposalExchange(_state);
        exchange.EnsureFolders();
        // The tests that use this filer decide every proposal themselves: its timeout is never meant to be reached (the
        // timeout test has its own quick filer), so it is long enough that no loaded machine reaches it first.
        var filer = new ProposalFiler(exchange, "sup", TimeSpan.FromMinutes(2));
        _server = new SuperviseServer(new IPEndPoint(IPAddress.Loopback, 0), new SuperviseTools(_policy, filer, () => BotBottle.Sidecar.Commands.RunCommand.ReadPlan(_state), "sup", _log), _log);
        _http = new HttpClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        _policy.Dispose();
        await _log.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<JsonDocument> RpcAsync(string method, string @params, int id = 1)
    {
        var req = new HttpRequestMessage(HttpMethod.Post, Endpoint)
        {
            Content = new StringContent("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + @params + "}", Encoding.UTF8, "application/json"),
        };
        req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var resp = await _http.SendAsync(req);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        var body = await resp.Content.ReadAsStringAsync();
        var data = body.Split('\n').Last(l => l.StartsWith("data: ", StringComparison.Ordinal))[6..];
        return JsonDocument.Parse(data);
    }

    [Fact]
    public async Task Tools_list_has_exactly_the_two_tools_and_unknown_names_get_the_protocol_error_with_no_side_effect()
    {
        using var list = await RpcAsync("tools/list", "{}");
        var names = list.RootElement.GetProperty("result").GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Equal(["list-egress-routes", "egress-allow"], names);

        foreach (var name in new[] { "capability-block", "egress_allow", "shell" })
        {
            using var call = await RpcAsync("tools/call", "{\"name\":\"" + name + "\",\"arguments\":{\"routes\":[{\"host\":\"x.example\"}],\"justification\":\"x\"}}");
            var error = call.RootElement.GetProperty("error");
            Assert.Equal(-32602, error.GetProperty("code").GetInt32());
            Assert.Contains(name, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(_state, "proposals", "pending")));
        Assert.Empty(_services.Proposals.List(new ProposalQuery()));
    }

    [Theory]
    [InlineData("""{"routes":[{"host":"x.example"}]}""", "justification is required")]
    [InlineData("""{"routes":[{"hots":"x.example"}],"justification":"j"}""", "unknown key 'hots'")]
    [InlineData("""{"routes":[{"host":"10.0.0.1"}],"justification":"j"}""", "host")]
    [InlineData("""{"routes":[{"host":"x.example","dlp":{"outbound_detectors":false}}],"justification":"j"}""", "dlp settings are the operator's")]
    [InlineData("""{"routes":[{"host":"x.example","auth":{"scheme":"Bearer","token_ref":"STOLEN"}}],"justification":"j"}""", "cannot introduce")]
    [InlineData("""{"routes":[],"justification":"j"}""", "at least one route")]
    [InlineData("""{"routes":"- host: [unterminated","justification":"j"}""", "egress-allow routes")]
    [InlineData("""{"routes":[{"host":"x.example"}],"justification":"j","extra":1}""", "unknown argument")]
    [InlineData("""{"routes":[{"host":"x.example"}],"routes_yaml":"- host: y.example","justification":"j"}""", "either routes or routes_yaml")]
    [InlineData("""{"routes_yaml":[{"host":"x.example"}],"justification":"j"}""", "routes_yaml must be YAML text")]
    [InlineData("""{"justification":"j"}""", "routes is required")]
    [InlineData("""{"routes":[{"host":"x.example","matches":[{"paths":[{"type":"exact","value":"/a\u001b[2K\r| allow docs.python.org"}]}]}],"justification":"j"}""", "control character U+001B")]
    [InlineData("""{"routes":[{"host":"x.example","matches":[{"headers":{"x-a":{"type":"prefix","value":"v\u009b2J"}}}]}],"justification":"j"}""", "control character U+009B")]
    [InlineData("""{"routes":[{"host":"x.example","matches":[{"headers":{"x-a":"v\u001b]8;;https://evil.test\u0007"}}]}],"justification":"j"}""", "control character U+001B")]
    public async Task Invalid_egress_allow_calls_are_invalid_params_and_file_nothing(string arguments, string expected)
    {
        using var call = await RpcAsync("tools/call", "{\"name\":\"egress-allow\",\"arguments\":" + arguments + "}");
        var error = call.RootElement.GetProperty("error");
        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        Assert.Contains(expected, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(_state, "proposals", "pending")));
    }

    [Fact]
    public Task A_justification_longer_than_the_operator_can_read_is_refused() =>
        // The MCP message limit (1 MiB) would otherwise let one proposal flood the operator's terminal.
        Invalid_egress_allow_calls_are_invalid_params_and_file_nothing(
            """{"routes":[{"host":"x.example"}],"justification":""" + "\"" + new string('j', SuperviseTools.MaxJustification + 1) + "\"}",
            "keep it to 4,096");

    [Fact]
    public async Task An_sdk_client_proposes_the_operator_approves_and_the_live_routes_change()
    {
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = Endpoint, TransportMode = HttpTransportMode.StreamableHttp }));
        var tools = await client.ListToolsAsync();
        Assert.Equal(2, tools.Count);
        var before = await client.CallToolAsync("list-egress-routes");
        Assert.Contains("api.example.com", before.StructuredContent!.Value.GetRawText(), StringComparison.Ordinal);

        var call = client.CallToolAsync("egress-allow", new Dictionary<string, object?>
        {
            ["routes"] = JsonDocument.Parse("""[{"host":"new.example","matches":[{"methods":["GET"],"paths":[{"type":"prefix","value":"/v1/"}]}]}]""").RootElement,
            ["justification"] = "the task needs the v1 API",
        }).AsTask();

        var pending = await Eventually(() => _services.Proposals.List(new ProposalQuery { State = ProposalState.Pending }).FirstOrDefault());
        Assert.Equal(ProposalKind.EgressAllow, pending.Kind);
        Assert.Equal("sup", pending.BottleName);
        Assert.Equal("the task needs the v1 API", pending.Justification);
        Assert.Contains("new.example", pending.Summary, StringComparison.Ordinal);

        var approved = _services.Proposals.Approve(pending.Id, "ok for v1", null, "tester");
        Assert.Equal(ProposalState.Approved, approved.State);
        Assert.Contains("new.example", approved.RoutesAfter, StringComparison.Ordinal);
        Assert.DoesNotContain("new.example", approved.RoutesBefore, StringComparison.Ordinal);

        var result = await call.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal("approved", result.StructuredContent!.Value.GetProperty("status").GetString());
        Assert.Equal("ok for v1", result.StructuredContent!.Value.GetProperty("notes").GetString());
        Assert.NotNull(_policy.Current.FindRoute("new.example"));
        Assert.True(_policy.Current.Evaluate("GET", "new.example", "/v1/x", "", []).Allowed);
        Assert.False(_policy.Current.Evaluate("POST", "new.example", "/v1/x", "", []).Allowed);

        var audit = _services.Proposals.Audit("sup").Select(a => a.Event).ToList();
        Assert.Contains("proposal-filed", audit);
        Assert.Contains("proposal-approved", audit);
        Assert.Contains("routes-changed", audit);

        var again = Assert.Throws<Errors.BotBottleException>(() => _services.Proposals.Approve(pending.Id, null, null, "someone-else"));
        Assert.Equal("ProposalNotPending", again.ErrorId);
    }

    [Fact]
    public async Task Deny_changes_nothing_and_the_agent_reads_the_reason()
    {
        var before = File.ReadAllText(Path.Combine(_state, SidecarContract.RoutesFile));
        var call = RpcAsync("tools/call", """{"name":"egress-allow","arguments":{"routes":[{"host":"evil.example"}],"justification":"I want it"}}""");
        var pending = await Eventually(() => _services.Proposals.List(new ProposalQuery { State = ProposalState.Pending }).FirstOrDefault());
        _services.Proposals.Deny(pending.Id, "not needed for this task", "tester");
        using var result = await call.WaitAsync(TimeSpan.FromMinutes(2));
        var structured = result.RootElement.GetProperty("result").GetProperty("structuredContent");
        Assert.Equal("denied", structured.GetProperty("status").GetString());
        Assert.Equal("not needed for this task", structured.GetProperty("notes").GetString());
        Assert.Equal(before, File.ReadAllText(Path.Combine(_state, SidecarContract.RoutesFile)));
        Assert.Null(_policy.Current.FindRoute("evil.example"));
        Assert.Contains(_services.Proposals.Audit("sup"), a => a.Event == "proposal-denied" && a.Detail.Contains("not needed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_modified_approval_applies_the_operators_routes()
    {
        // routes_yaml: the argument the original product's agents send (YAML text).
        var call = RpcAsync("tools/call", """{"name":"egress-allow","arguments":{"routes_yaml":"- host: wide.example\n","justification":"need it"}}""");
        var pending = await Eventually(() => _services.Proposals.List(new ProposalQuery { State = ProposalState.Pending }).FirstOrDefault());
        var decided = _services.Proposals.Approve(pending.Id, "narrowed to GET", "routes:\n  - host: wide.example\n    matches:\n      - methods: [GET]\n", "tester");
        Assert.Equal(ProposalState.Modified, decided.State);
        using var result = await call.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal("modified", result.RootElement.GetProperty("result").GetProperty("structuredContent").GetProperty("status").GetString());
        Assert.False(_policy.Current.Evaluate("POST", "wide.example", "/", "", []).Allowed);
        Assert.True(_policy.Current.Evaluate("GET", "wide.example", "/", "", []).Allowed);
    }

    [Fact]
    public async Task An_undecided_egress_allow_times_out_expires_and_changes_nothing()
    {
        var routes = File.ReadAllText(Path.Combine(_state, SidecarContract.RoutesFile));
        var filer = new ProposalFiler(new ProposalExchange(_state), "sup", TimeSpan.FromSeconds(1));
        await using var quick = new SuperviseServer(new IPEndPoint(IPAddress.Loopback, 0), new SuperviseTools(_policy, filer, () => BotBottle.Sidecar.Commands.RunCommand.ReadPlan(_state), "sup", _log), _log);
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri($"http://127.0.0.1:{quick.Endpoint.Port}/mcp"), TransportMode = HttpTransportMode.StreamableHttp }));
        var result = await client.CallToolAsync("egress-allow", new Dictionary<string, object?>
        {
            ["routes"] = "- host: slow.example\n",
            ["justification"] = "nobody is watching",
        });
        Assert.Equal("timeout", result.StructuredContent!.Value.GetProperty("status").GetString());
        var p = Assert.Single(_services.Proposals.List(new ProposalQuery()));
        Assert.Equal(ProposalState.Expired, p.State);
        Assert.Equal(routes, File.ReadAllText(Path.Combine(_state, SidecarContract.RoutesFile)));
        Assert.Null(_policy.Current.FindRoute("slow.example"));
    }

    /// <summary>
    /// The probe's value once it has one (the host's ProposalService imports the sidecar's files on every call). The
    /// guard ends a hang; it is not a deadline the server has to meet.
    /// </summary>
    private static async Task<T> Eventually<T>(Func<T?> probe)
        where T : class
    {
        using var hangGuard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            if (probe() is { } value)
            {
                return value;
            }

            await Task.Delay(50, hangGuard.Token);
        }
    }
}
