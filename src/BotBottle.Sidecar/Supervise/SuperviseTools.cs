using System.Text;
using System.Text.Json;
using BotBottle.Manifest;
using BotBottle.Planning;
using BotBottle.Policy;
using BotBottle.Proposals;
using BotBottle.Serialization;
using BotBottle.Sidecar.Egress;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace BotBottle.Sidecar.Supervise;

/// <summary>
/// The supervise tools — exactly two, and nothing else changes policy:
/// <list type="bullet">
/// <item><c>list-egress-routes</c>: the live routes, in the shape <c>egress-allow</c> accepts (no secret values).</item>
/// <item><c>egress-allow</c>: <c>routes</c> (structured, the manifest's route schema, or YAML text) — or
/// <c>routes_yaml</c> (YAML text, the original tool contract's argument) — and a required
/// <c>justification</c>; validated with the manifest's own route validator and the proposal rules before anything is
/// filed (invalid → JSON-RPC invalid params); then it waits for the operator and returns
/// <c>{status: approved|modified|denied|timeout, notes}</c>.</item>
/// </list>
/// Any other name — <c>capability-block</c> included — is absent from <c>tools/list</c> and answered with the
/// protocol's unknown-tool error (-32602) and no side effect.
/// </summary>
internal sealed class SuperviseTools(PolicyHolder policy, ProposalFiler filer, Func<BottlePlan?> plan, string slug, EgressLog log)
{
    public const string ListRoutes = "list-egress-routes";
    public const string EgressAllow = "egress-allow";

    /// <summary>The longest justification accepted, in UTF-16 code units: the operator reads it in a table, and a message up to the MCP limit (1 MiB) would flood the terminal.</summary>
    public const int MaxJustification = 4096;

    private static readonly JsonElement ListSchema = JsonDocument.Parse("""{"type":"object","properties":{},"additionalProperties":false}""").RootElement.Clone();

    private static readonly JsonElement AllowSchema = JsonDocument.Parse("""
        {
          "type": "object",
          "properties": {
            "routes": {
              "description": "Routes to allow, in the bottle manifest's route schema: an array of {host, matches?: [{paths?: [{type: exact|prefix|regex, value}], methods?, headers?}], git?: {fetch}, allow_private?, auth?: {scheme, token_ref}} — or the same as YAML text. dlp settings are the operator's and cannot be proposed.",
              "oneOf": [ { "type": "array", "items": { "type": "object" } }, { "type": "string" } ]
            },
            "routes_yaml": { "type": "string", "description": "The same routes as YAML text (a list of routes, or a mapping with 'routes:'); give either routes or routes_yaml." },
            "justification": { "type": "string", "minLength": 1, "maxLength": 4096, "description": "Why the task needs this access; the operator reads it." }
          },
          "required": ["justification"],
          "additionalProperties": false
        }
        """).RootElement.Clone();

    public McpServerOptions CreateServerOptions() => new()
    {
        ServerInfo = new Implementation { Name = "bot-bottle-supervise", Version = typeof(SuperviseTools).Assembly.GetName().Version?.ToString(3) ?? "0.0.0" },
        Capabilities = new ServerCapabilities { Tools = new ToolsCapability() },
        ServerInstructions = "BotBottle supervise: ask the operator for more egress access with egress-allow (routes + justification); list-egress-routes shows what is allowed now.",
        Handlers = new McpServerHandlers
        {
            ListToolsHandler = (_, _) => ValueTask.FromResult(new ListToolsResult
            {
                Tools =
                [
                    new Tool { Name = ListRoutes, Description = "List the bottle's live egress routes (what requests may leave), in the shape egress-allow accepts.", InputSchema = ListSchema },
                    new Tool { Name = EgressAllow, Description = "Ask the operator to allow more egress: propose routes with a justification. Waits for the decision and returns {status: approved|modified|denied|timeout, notes}.", InputSchema = AllowSchema },
                ],
            }),
            CallToolHandler = CallAsync,
        },
    };

    private async ValueTask<CallToolResult> CallAsync(RequestContext<CallToolRequestParams> context, CancellationToken cancellationToken)
    {
        var name = context.Params?.Name ?? string.Empty;
        var args = context.Params?.Arguments ?? new Dictionary<string, JsonElement>();
        return name switch
        {
            ListRoutes => ListRoutesResult(),
            EgressAllow => await AllowAsync(args, cancellationToken).ConfigureAwait(false),
            _ => throw new McpProtocolException($"Unknown tool: '{name}'", McpErrorCode.InvalidParams),
        };
    }

    private CallToolResult ListRoutesResult()
    {
        var current = policy.Current.Policy;
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WritePropertyName("routes");
            RouteJson.WriteRoutes(w, current.Routes);
            w.WriteEndObject();
        }

        var structured = JsonDocument.Parse(ms.ToArray()).RootElement.Clone();
        return new CallToolResult { Content = [new TextContentBlock { Text = RoutesFile.Serialize(current) }], StructuredContent = structured };
    }

    private async Task<CallToolResult> AllowAsync(IDictionary<string, JsonElement> args, CancellationToken cancellationToken)
    {
        var unknown = args.Keys.Where(k => k is not ("routes" or "routes_yaml" or "justification")).ToList();
        if (unknown.Count > 0)
        {
            throw Invalid($"unknown argument(s): {string.Join(", ", unknown)}; egress-allow takes routes (or routes_yaml) and justification");
        }

        if (!args.TryGetValue("justification", out var j) || j.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(j.GetString()))
        {
            throw Invalid("justification is required: say why the task needs this access");
        }

        if (j.GetString()!.Length > MaxJustification)
        {
            throw Invalid($"justification is {j.GetString()!.Length:N0} characters; the operator reads it, so keep it to {MaxJustification:N0}");
        }

        // routes_yaml: the original tool contract's name for the routes as YAML text.
        var hasRoutes = args.TryGetValue("routes", out var r);
        if (args.TryGetValue("routes_yaml", out var ry))
        {
            if (hasRoutes)
            {
                throw Invalid("give either routes or routes_yaml, not both");
            }

            if (ry.ValueKind != JsonValueKind.String)
            {
                throw Invalid("routes_yaml must be YAML text, e.g. \"- host: api.example.com\"");
            }

            r = ry;
        }
        else if (!hasRoutes)
        {
            throw Invalid("routes is required: the routes to allow, e.g. [{\"host\": \"api.example.com\"}] (or routes_yaml: the same as YAML text)");
        }

        var yaml = r.ValueKind switch
        {
            JsonValueKind.Array => "routes: " + r.GetRawText(), // JSON is YAML (flow style)
            JsonValueKind.String => RouteMerge.NormalizeRoutesText(r.GetString()!),
            _ => throw Invalid("routes must be an array of route objects or YAML text"),
        };

        IReadOnlyList<EgressRoute> proposed;
        try
        {
            proposed = RouteMerge.ParseProposed(yaml, "egress-allow routes");
        }
        catch (ManifestException ex)
        {
            throw Invalid("the routes are invalid: " + string.Join("; ", ex.Errors.Select(e => e.ToString())));
        }

        var live = policy.Current.Policy;
        var bottlePlan = plan() ?? throw new McpProtocolException("the bottle's plan is unreadable; the operator must look at the sidecar", McpErrorCode.InternalError);
        var problems = RouteMerge.Problems(proposed, live, bottlePlan);
        if (problems.Count > 0)
        {
            throw Invalid(string.Join("; ", problems));
        }

        if (RouteMerge.Merge(live, proposed).Equals(live))
        {
            return Result("approved", "these routes are already allowed; nothing was filed", null);
        }

        var canonical = RoutesFile.Serialize(new EgressPolicy([.. proposed]));
        var proposal = new BottleProposal
        {
            Id = filer.NewId(),
            BottleName = slug,
            Kind = ProposalKind.EgressAllow,
            Payload = JsonSerializer.Serialize(new EgressAllowPayload(canonical), ProposalJsonContext.Default.EgressAllowPayload),
            Summary = "allow " + string.Join(" | ", proposed.Select(BottleRoute.Describe)),
            Justification = j.GetString()!.Trim(),
            FiledAt = DateTimeOffset.UtcNow,
        };
        log.Event("proposal-filed", $"{proposal.Id}: {proposal.Summary}");
        var decision = await filer.FileAndWaitAsync(proposal, cancellationToken).ConfigureAwait(false);
        if (decision is null || decision.State == ProposalState.Expired)
        {
            return Result("timeout", $"no decision within {filer.Timeout.TotalSeconds:0} s; nothing changed. You may file again later.", proposal.Id, proposal.Summary);
        }

        if (decision.State is ProposalState.Approved or ProposalState.Modified)
        {
            // The host wrote the new routes before the decision: load them now, so the next request sees them.
            policy.Poll();
            var now = policy.Current;
            var missing = proposed.Where(p => now.FindRoute(p.Host) is null).Select(p => p.Host).ToList();
            var notes = decision.Reason ?? (decision.State == ProposalState.Modified ? "approved with changes; call list-egress-routes to see them" : "approved");
            if (missing.Count > 0 && decision.State == ProposalState.Approved)
            {
                notes += $" (the routes for {string.Join(", ", missing)} are not active yet; retry in a moment)";
            }

            return Result(decision.State == ProposalState.Modified ? "modified" : "approved", notes, proposal.Id, proposal.Summary);
        }

        return Result("denied", decision.Reason ?? "denied", proposal.Id, proposal.Summary);
    }

    /// <summary>The tool's answer: <c>{status, notes, proposal?, filed?}</c>; <c>filed</c> is the whole route as the operator saw it.</summary>
    private static CallToolResult Result(string status, string notes, string? proposalId, string? filed = null)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("status", status);
            w.WriteString("notes", notes);
            if (proposalId is not null)
            {
                w.WriteString("proposal", proposalId);
            }

            if (filed is not null)
            {
                w.WriteString("filed", filed);
            }

            w.WriteEndObject();
        }

        var json = Encoding.UTF8.GetString(ms.ToArray());
        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = json }],
            StructuredContent = JsonDocument.Parse(json).RootElement.Clone(),
            IsError = false,
        };
    }

    private static McpProtocolException Invalid(string message) => new($"Invalid arguments for egress-allow: {message}", McpErrorCode.InvalidParams);
}
