using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BotBottle.Egress;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace BotBottle.Tests.Agents;

/// <summary>
/// A local HTTPS stand-in for the two model APIs the built-in agents call, authenticating exactly as the real
/// services document and streaming as they do, so the real Claude Code and Codex CLIs accept its answers:
/// <list type="bullet">
/// <item>Anthropic Messages API, <c>POST /v1/messages</c> (https://docs.anthropic.com/en/api/messages): an API key in
/// <c>x-api-key</c> (https://docs.anthropic.com/en/api/overview "Authentication"), or an OAuth token as
/// <c>Authorization: Bearer</c> (what Claude Code sends for <c>CLAUDE_CODE_OAUTH_TOKEN</c>). Anything else is
/// <c>401 {"type":"error","error":{"type":"authentication_error",…}}</c>. With <c>"stream": true</c> it answers with
/// the documented event sequence (https://docs.anthropic.com/en/docs/build-with-claude/streaming): message_start,
/// content_block_start, content_block_delta (text_delta), content_block_stop, message_delta, message_stop.</item>
/// <item>OpenAI Responses API, <c>POST /v1/responses</c> (https://platform.openai.com/docs/api-reference/responses):
/// <c>Authorization: Bearer &lt;key&gt;</c> only (https://platform.openai.com/docs/api-reference/authentication), else
/// <c>401 {"error":{"type":"invalid_request_error","code":"invalid_api_key",…}}</c>. It streams
/// <c>response.created</c>, <c>response.output_item.done</c> (an assistant message) and <c>response.completed</c> —
/// the sequence openai/codex's own SDK tests serve the CLI (sdk/typescript/tests/responsesProxy.ts).</item>
/// <item>The ChatGPT Codex backend, <c>POST /backend-api/codex/responses</c>: what the Codex CLI calls when it is signed
/// in with ChatGPT (base URL <c>https://chatgpt.com/backend-api/codex</c>, openai/codex
/// <c>codex-rs/core/src/model_provider_info.rs</c>), with <c>Authorization: Bearer &lt;tokens.access_token&gt;</c> and
/// <c>ChatGPT-Account-Id: &lt;tokens.account_id&gt;</c> from its <c>auth.json</c> (<c>codex-rs/login/src/auth/storage.rs</c>,
/// <c>token_data.rs</c>; header seen from codex-cli 0.171.0 as <c>chatgpt-account-id</c>). Only <see cref="ChatGptAccessToken"/>
/// together with <see cref="ChatGptAccountId"/> is accepted; anything else is <c>401</c>, which makes Codex try a token
/// refresh (<c>UnauthorizedRecovery</c> in <c>codex-rs/login/src/auth/manager.rs</c>). It streams as the Responses API
/// above. A prompt containing <see cref="ExpireMarker"/> is answered 401 even with the right token, as the backend
/// answers an access token that has expired.</item>
/// <item>The ChatGPT workspace routing discovery, <c>GET /backend-api/wham/accounts/check</c> (under Codex's
/// <c>chatgpt_base_url</c>): before its first model request, Codex in ChatGPT mode asks which backend serves the account
/// and refuses to go on without an answer (openai/codex
/// <c>codex-rs/app-server/src/request_processors/account_processor/workspace_routing.rs</c>, <c>resolve_routing</c>).
/// Authenticated as above, it answers <c>{"accounts":[{"id":&lt;account id&gt;,"workspace_backend_origin":"NO_CONSTRAINT",
/// "account_routing_override":"NO_CONSTRAINT"}]}</c>: an account without data-residency routing, so Codex keeps its
/// configured backend.</item>
/// </list>
/// A prompt containing <see cref="FailMarker"/> is answered <c>400 invalid_request_error</c> (not retried by either
/// client), so a test can make a session fail. Every credential value offered is recorded with whether it was accepted.
/// </summary>
public sealed class ModelApiStandIn : IAsyncDisposable
{
    /// <summary>A prompt containing this is refused with 400, so the agent exits non-zero.</summary>
    public const string FailMarker = "PLEASE-FAIL-THIS-REQUEST";

    /// <summary>A ChatGPT-backend prompt containing this is refused with 401 as if the access token had expired.</summary>
    public const string ExpireMarker = "PRETEND-THE-TOKEN-EXPIRED";

    private static readonly string StandInAccountId = Guid.NewGuid().ToString();

    private readonly WebApplication _app;
    private readonly CertificateAuthority _ca;
    private readonly MintedLeaves _leaves;

    private ModelApiStandIn(string caPemPath, string reply)
    {
        CaPemPath = caPemPath;
        Reply = reply;
        _ca = CertificateAuthority.Create("BotBottle model API stand-in CA");
        _leaves = _ca.CreateLeaves();
        File.WriteAllText(caPemPath, _ca.CertificatePem);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Any, 0, lo =>
        {
            lo.Protocols = HttpProtocols.Http1;
            lo.UseHttps(h => h.ServerCertificateSelector = (_, name) => _leaves.Select(name));
        }));
        _app = builder.Build();
        _app.MapPost("/v1/messages", AnthropicMessagesAsync);
        _app.MapPost("/v1/responses", OpenAiResponsesAsync);
        _app.MapPost("/backend-api/codex/responses", ChatGptCodexResponsesAsync);
        _app.MapGet("/backend-api/wham/accounts/check", ChatGptAccountsCheckAsync);
        _app.Map("/{**rest}", async ctx =>
        {
            Record(ctx, null, null, accepted: false);
            ctx.Response.StatusCode = 404;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("""{"type":"error","error":{"type":"not_found_error","message":"Not found"}}""");
        });
    }

    /// <summary>The API key Anthropic requests must carry in <c>x-api-key</c>.</summary>
    public string AnthropicApiKey { get; init; } = "sk-ant-api03-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    /// <summary>The OAuth token Anthropic requests may carry as <c>Authorization: Bearer</c>.</summary>
    public string AnthropicOAuthToken { get; init; } = "sk-ant-oat01-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    /// <summary>The API key OpenAI requests must carry as <c>Authorization: Bearer</c>.</summary>
    public string OpenAiApiKey { get; init; } = "sk-proj-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    /// <summary>The ChatGPT access token (a JWT whose <c>exp</c> is 2100-01-01) ChatGPT-backend requests must carry as <c>Authorization: Bearer</c>.</summary>
    public string ChatGptAccessToken { get; init; } = Jwt($$$"""{"exp":4102444800,"https://api.openai.com/auth":{"chatgpt_account_id":"{{{StandInAccountId}}}"}}""");

    /// <summary>The ChatGPT account id ChatGPT-backend requests must carry in <c>ChatGPT-Account-Id</c>.</summary>
    public string ChatGptAccountId { get; } = StandInAccountId;

    /// <summary>The refresh token of the host sign-in (never to leave the host).</summary>
    public string ChatGptRefreshToken { get; init; } = "rt_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    /// <summary>The id token of the host sign-in (signed-looking; never to leave the host).</summary>
    public string ChatGptIdToken { get; init; } = Jwt($$$"""{"email":"operator@example.com","https://api.openai.com/auth":{"chatgpt_plan_type":"plus","chatgpt_account_id":"{{{StandInAccountId}}}","chatgpt_user_id":"user-standin"}}""");

    /// <summary>
    /// The host's <c>auth.json</c> after <c>codex login</c> with ChatGPT, in the shape openai/codex writes it
    /// (<c>codex-rs/login/src/auth/storage.rs</c> AuthDotJson): no API key, the tokens, <c>last_refresh</c>.
    /// </summary>
    public string HostCodexAuthJson() => $$"""
        {
          "OPENAI_API_KEY": null,
          "tokens": {
            "id_token": "{{ChatGptIdToken}}",
            "access_token": "{{ChatGptAccessToken}}",
            "refresh_token": "{{ChatGptRefreshToken}}",
            "account_id": "{{ChatGptAccountId}}"
          },
          "last_refresh": "2026-12-01T09:00:00.000000Z"
        }
        """;

    /// <summary>A JWT with <paramref name="claims"/> and a random (opaque) signature, as the auth service's tokens look to a client.</summary>
    private static string Jwt(string claims) =>
        B64Url("""{"alg":"RS256","typ":"JWT"}"""u8.ToArray()) + "." + B64Url(Encoding.UTF8.GetBytes(claims)) + "." + B64Url(RandomNumberGenerator.GetBytes(64));

    private static string B64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The text every successful answer carries.</summary>
    public string Reply { get; }

    /// <summary>PEM of the CA that signs the stand-in's certificates (give it to the sidecar as an upstream CA).</summary>
    public string CaPemPath { get; }

    /// <summary>The HTTPS port (on every host address).</summary>
    public int Port { get; private set; }

    /// <summary>Every request, in order of arrival.</summary>
    public ConcurrentQueue<StandInRequest> Requests { get; } = new();

    /// <summary>Starts the stand-in on a free port.</summary>
    public static async Task<ModelApiStandIn> StartAsync(string caPemPath, string reply)
    {
        var s = new ModelApiStandIn(caPemPath, reply);
        await s._app.StartAsync();
        s.Port = s._app.Urls.Select(u => new Uri(u.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal))).First().Port;
        return s;
    }

    private async Task AnthropicMessagesAsync(HttpContext ctx)
    {
        var body = await JsonNode.ParseAsync(ctx.Request.Body);
        var apiKey = ctx.Request.Headers["x-api-key"].ToString();
        var bearer = BearerOf(ctx);
        var accepted = (apiKey.Length > 0 && apiKey == AnthropicApiKey) || (apiKey.Length == 0 && bearer == AnthropicOAuthToken);
        Record(ctx, apiKey.Length > 0 ? apiKey : bearer, body, accepted);
        ctx.Response.ContentType = "application/json";
        if (!accepted)
        {
            ctx.Response.StatusCode = 401;
            await ctx.Response.WriteAsync("""{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}""");
            return;
        }

        if (body?.ToJsonString().Contains(FailMarker, StringComparison.Ordinal) == true)
        {
            ctx.Response.StatusCode = 400;
            await ctx.Response.WriteAsync("""{"type":"error","error":{"type":"invalid_request_error","message":"the stand-in refuses this prompt"}}""");
            return;
        }

        var model = body?["model"]?.GetValue<string>() ?? "claude-stand-in";
        if (body?["stream"]?.GetValue<bool>() != true)
        {
            await ctx.Response.WriteAsync(Message(model, [new JsonObject { ["type"] = "text", ["text"] = Reply }], "end_turn", 5).ToJsonString());
            return;
        }

        ctx.Response.ContentType = "text/event-stream";
        await SseAsync(ctx, "message_start", new JsonObject { ["type"] = "message_start", ["message"] = Message(model, [], null, 1) }.ToJsonString());
        await SseAsync(ctx, "content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""");
        await SseAsync(ctx, "content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = Reply } }.ToJsonString());
        await SseAsync(ctx, "content_block_stop", """{"type":"content_block_stop","index":0}""");
        await SseAsync(ctx, "message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":5}}""");
        await SseAsync(ctx, "message_stop", """{"type":"message_stop"}""");
    }

    private Task OpenAiResponsesAsync(HttpContext ctx) => ResponsesAsync(ctx, bearer => bearer == OpenAiApiKey);

    private Task ChatGptCodexResponsesAsync(HttpContext ctx) =>
        ResponsesAsync(ctx, _ => ChatGptAuthenticates(ctx), ExpireMarker);

    private bool ChatGptAuthenticates(HttpContext ctx) =>
        BearerOf(ctx) == ChatGptAccessToken && ctx.Request.Headers["ChatGPT-Account-Id"].ToString() == ChatGptAccountId;

    private async Task ChatGptAccountsCheckAsync(HttpContext ctx)
    {
        var accepted = ChatGptAuthenticates(ctx);
        Record(ctx, BearerOf(ctx), null, accepted);
        ctx.Response.ContentType = "application/json";
        if (!accepted)
        {
            ctx.Response.StatusCode = 401;
            await ctx.Response.WriteAsync("""{"detail":"Unauthorized"}""");
            return;
        }

        await ctx.Response.WriteAsync(new JsonObject
        {
            ["accounts"] = new JsonArray(new JsonObject { ["id"] = ChatGptAccountId, ["workspace_backend_origin"] = "NO_CONSTRAINT", ["account_routing_override"] = "NO_CONSTRAINT" }),
        }.ToJsonString());
    }

    private async Task ResponsesAsync(HttpContext ctx, Func<string, bool> authenticates, string? expireMarker = null)
    {
        var body = await JsonNode.ParseAsync(ctx.Request.Body);
        var bearer = BearerOf(ctx);
        var accepted = authenticates(bearer) && (expireMarker is null || body?.ToJsonString().Contains(expireMarker, StringComparison.Ordinal) != true);
        Record(ctx, bearer, body, accepted);
        if (!accepted)
        {
            ctx.Response.StatusCode = 401;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("""{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""");
            return;
        }

        if (body?.ToJsonString().Contains(FailMarker, StringComparison.Ordinal) == true)
        {
            ctx.Response.StatusCode = 400;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("""{"error":{"message":"the stand-in refuses this prompt","type":"invalid_request_error","param":null,"code":null}}""");
            return;
        }

        ctx.Response.ContentType = "text/event-stream";
        await SseAsync(ctx, "response.created", """{"type":"response.created","response":{"id":"resp_standin"}}""");
        await SseAsync(ctx, "response.output_item.done", new JsonObject
        {
            ["type"] = "response.output_item.done",
            ["item"] = new JsonObject { ["type"] = "message", ["role"] = "assistant", ["id"] = "msg_standin", ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = Reply }) },
        }.ToJsonString());
        await SseAsync(ctx, "response.completed", """{"type":"response.completed","response":{"id":"resp_standin","usage":{"input_tokens":10,"input_tokens_details":null,"output_tokens":5,"output_tokens_details":null,"total_tokens":15}}}""");
    }

    /// <summary>A Messages API message object (https://docs.anthropic.com/en/api/messages, "Response").</summary>
    private static JsonObject Message(string model, JsonNode[] content, string? stopReason, int outputTokens) => new()
    {
        ["id"] = "msg_standin",
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = model,
        ["content"] = new JsonArray(content),
        ["stop_reason"] = stopReason,
        ["stop_sequence"] = null,
        ["usage"] = new JsonObject { ["input_tokens"] = 10, ["output_tokens"] = outputTokens },
    };

    private static async Task SseAsync(HttpContext ctx, string name, string json)
    {
        await ctx.Response.WriteAsync($"event: {name}\ndata: {json}\n\n");
        await ctx.Response.Body.FlushAsync();
    }

    private static string BearerOf(HttpContext ctx)
    {
        var auth = ctx.Request.Headers.Authorization.ToString();
        return auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth["Bearer ".Length..] : string.Empty;
    }

    private void Record(HttpContext ctx, string? credential, JsonNode? body, bool accepted) =>
        Requests.Enqueue(new StandInRequest(ctx.Request.Method, ctx.Request.Path.Value ?? "/",
            ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), credential, body?["model"]?.ToString(), accepted));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _leaves.Dispose();
        _ca.Dispose();
    }
}

/// <summary>One request the stand-in received.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Path.</param>
/// <param name="Headers">Headers (repeated fields joined with ',').</param>
/// <param name="Credential">The credential value offered (x-api-key, else the Bearer token); null on unknown paths.</param>
/// <param name="Model">The body's <c>model</c>, when there is one.</param>
/// <param name="Accepted">Whether the credential was accepted.</param>
public sealed record StandInRequest(string Method, string Path, Dictionary<string, string> Headers, string? Credential, string? Model, bool Accepted);
