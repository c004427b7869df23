using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BotBottle.Errors;
using BotBottle.Manifest;

namespace BotBottle.Planning;

/// <summary>
/// What a host sign-in gives a bottle: the access token (for the sidecar only) and the placeholder sign-in file the
/// agent gets instead (no credential in it).
/// </summary>
/// <param name="AccessToken">The token the sidecar injects (<see cref="HostLogin.SecretName"/>).</param>
/// <param name="PlaceholderFile">The bytes of the agent's sign-in file (<see cref="HostLogin.GuestFile"/>).</param>
/// <param name="Source">The host file it was read from (for messages).</param>
public sealed record HostLoginMaterial(SecretValue AccessToken, byte[] PlaceholderFile, string Source);

/// <summary>Reads the host sign-in a provider forwards (<see cref="ProviderDefinition.HostLogin"/>).</summary>
public static class HostLogins
{
    /// <summary>Reads <paramref name="login"/> from the host now.</summary>
    /// <param name="login">The provider's host sign-in.</param>
    /// <param name="environment">Host environment (e.g. <c>CODEX_HOME</c>, <c>HOME</c>).</param>
    /// <param name="now">The current time (expiry check and the placeholder's refresh time).</param>
    /// <exception cref="BotBottleException">The sign-in is missing, unreadable, of another kind, or expired; the message says what to run.</exception>
    public static HostLoginMaterial Read(HostLogin login, Func<string, string?> environment, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(login);
        return login.Kind switch
        {
            HostLoginKind.CodexChatGpt => CodexChatGptLogin.Read(environment, now),
            _ => throw new ArgumentOutOfRangeException(nameof(login), login.Kind, "unknown host sign-in kind"),
        };
    }
}

/// <summary>
/// The Codex CLI's ChatGPT sign-in on the host, as openai/codex stores it in <c>$CODEX_HOME/auth.json</c> (default
/// <c>~/.codex</c>; <c>codex-rs/login/src/auth/storage.rs</c> <c>AuthDotJson</c>):
/// <c>{"auth_mode"?, "OPENAI_API_KEY": null, "tokens": {"id_token", "access_token", "refresh_token", "account_id"},
/// "last_refresh"}</c>. Codex is in ChatGPT mode when <c>auth_mode</c> says <c>chatgpt</c>, or, without it, when
/// <c>OPENAI_API_KEY</c> is empty (<c>AuthDotJson::resolved_mode</c> in <c>codex-rs/login/src/auth/manager.rs</c>).
/// It sends <c>Authorization: Bearer &lt;tokens.access_token&gt;</c> and <c>ChatGPT-Account-Id: &lt;tokens.account_id&gt;</c>,
/// and reads the plan and account from the <c>id_token</c>'s <c>https://api.openai.com/auth</c> claim, decoding the JWT
/// payload without verifying its signature (<c>decode_jwt_payload</c> in <c>codex-rs/login/src/token_data.rs</c>).
/// It refreshes the tokens at <c>https://auth.openai.com/oauth/token</c> with the refresh token when the access token's
/// <c>exp</c> has passed (else when <c>last_refresh</c> is over 8 days old), and after a 401.
/// <para>
/// The agent's placeholder keeps what Codex needs to start in ChatGPT mode and no credential: the account id, an
/// unsigned <c>id_token</c> carrying only the account id and plan claims, <see cref="ProviderDefinition.PlaceholderValue"/>
/// as access and refresh token, and <c>last_refresh</c> = start time. The real id, access and refresh tokens stay on the
/// host; only the access token goes to the sidecar. A refresh attempt from the bottle carries the placeholder and is
/// refused by the sidecar (no route to <c>auth.openai.com</c>); when the host's token expires, refresh it on the host
/// (any <c>codex</c> command) and start the bottle again.
/// </para>
/// </summary>
public static class CodexChatGptLogin
{
    /// <summary>The id_token claim that holds the ChatGPT account and plan (openai/codex <c>token_data.rs</c> <c>IdClaims</c>).</summary>
    public const string AuthClaim = "https://api.openai.com/auth";

    /// <summary>The host file: <c>$CODEX_HOME/auth.json</c>, else <c>$HOME/.codex/auth.json</c>.</summary>
    public static string HostFile(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment("CODEX_HOME") is { Length: > 0 } codexHome)
        {
            return Path.Combine(codexHome, "auth.json");
        }

        var home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".codex", "auth.json");
    }

    /// <summary>Reads the host sign-in and builds the agent's placeholder (see the type's remarks).</summary>
    /// <exception cref="BotBottleException">
    /// <c>HostLoginMissing</c> (no file), <c>HostLoginInvalid</c> (not the auth.json shape, or no ChatGPT tokens),
    /// <c>HostLoginNotChatGpt</c> (signed in with an API key), <c>HostLoginExpired</c> (the access token's <c>exp</c> has passed).
    /// </exception>
    public static HostLoginMaterial Read(Func<string, string?> environment, DateTimeOffset now)
    {
        var path = HostFile(environment);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Fail("HostLoginMissing", path,
                $"agent_provider.forward_host_credentials uses the Codex CLI's ChatGPT sign-in on this host, but {path} does not exist. " +
                "Sign in on the host with 'codex login' (choose ChatGPT; if Codex keeps it in the keyring, set cli_auth_credentials_store = \"file\" in its config.toml first), " +
                "or set CODEX_HOME to the folder that holds auth.json; then start again.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Fail("HostLoginMissing", path, $"The Codex sign-in file {path} cannot be read ({ex.Message}). Make it readable by this user and start again.");
        }

        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(text);
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw Fail("HostLoginInvalid", path, $"The Codex sign-in file {path} is not JSON. Sign in again on the host with 'codex login' and start again.");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Fail("HostLoginInvalid", path, $"The Codex sign-in file {path} is not a JSON object. Sign in again on the host with 'codex login' and start again.");
        }

        // Codex's own rule (AuthDotJson::resolved_mode): auth_mode when present, else an API key means API-key mode.
        var mode = String(root, "auth_mode");
        var apiKey = String(root, "OPENAI_API_KEY");
        if ((mode is not null && !mode.Equals("chatgpt", StringComparison.OrdinalIgnoreCase)) || (mode is null && apiKey is { Length: > 0 }))
        {
            throw Fail("HostLoginNotChatGpt", path,
                $"Codex on this host is signed in with {(mode is null ? "an API key" : "'" + mode + "'")}, not ChatGPT ({path}). For an API key use agent_provider.auth_token: OPENAI_API_KEY; " +
                "to use the ChatGPT subscription, run 'codex login' on the host and choose ChatGPT; then start again.");
        }

        var tokens = root.TryGetProperty("tokens", out var t) && t.ValueKind == JsonValueKind.Object ? t : default;
        var accessToken = tokens.ValueKind == JsonValueKind.Object ? String(tokens, "access_token") : null;
        if (accessToken is not { Length: > 0 })
        {
            throw Fail("HostLoginInvalid", path, $"The Codex sign-in file {path} has no ChatGPT access token (tokens.access_token). Run 'codex login' on the host, choose ChatGPT, and start again.");
        }

        var idClaims = String(tokens, "id_token") is { } idToken ? Payload(idToken) : null;
        var authClaims = idClaims is { } c && c.TryGetProperty(AuthClaim, out var a) && a.ValueKind == JsonValueKind.Object ? a : default;
        var accountId = String(tokens, "account_id")
            ?? (authClaims.ValueKind == JsonValueKind.Object ? String(authClaims, "chatgpt_account_id") : null);
        if (accountId is not { Length: > 0 })
        {
            throw Fail("HostLoginInvalid", path, $"The Codex sign-in file {path} names no ChatGPT account (tokens.account_id). Run 'codex login' on the host, choose ChatGPT, and start again.");
        }

        // Codex itself treats an access token whose exp has passed as stale (AuthManager::is_stale_for_proactive_refresh).
        if (Payload(accessToken) is { } accessClaims && accessClaims.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds)
            && DateTimeOffset.FromUnixTimeSeconds(seconds) is var expiry && expiry <= now)
        {
            throw Fail("HostLoginExpired", path,
                $"The ChatGPT access token in {path} expired at {expiry.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}. Run any 'codex' command on the host " +
                "(it refreshes the token; 'codex login' signs in again), then start the bottle again.");
        }

        var plan = authClaims.ValueKind == JsonValueKind.Object ? String(authClaims, "chatgpt_plan_type") : null;
        return new HostLoginMaterial(new SecretValue(accessToken), Placeholder(accountId, plan, now), path);
    }

    /// <summary>
    /// The agent's <c>auth.json</c>: ChatGPT mode (no API key), the account id, an unsigned id_token with only the account
    /// and plan claims (signature segment: the placeholder), and <see cref="ProviderDefinition.PlaceholderValue"/> as
    /// access and refresh token; <c>last_refresh</c> is <paramref name="now"/> (RFC 3339, UTC).
    /// </summary>
    public static byte[] Placeholder(string accountId, string? planType, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        var claims = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(claims))
        {
            w.WriteStartObject();
            w.WriteStartObject(AuthClaim);
            w.WriteString("chatgpt_account_id", accountId);
            if (planType is { Length: > 0 })
            {
                w.WriteString("chatgpt_plan_type", planType);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        var idToken = Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}"u8) + "." + Base64Url(claims.WrittenSpan) + "." + Base64Url(Encoding.ASCII.GetBytes(ProviderDefinition.PlaceholderValue));
        var file = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNull("OPENAI_API_KEY");
            w.WriteStartObject("tokens");
            w.WriteString("id_token", idToken);
            w.WriteString("access_token", ProviderDefinition.PlaceholderValue);
            w.WriteString("refresh_token", ProviderDefinition.PlaceholderValue);
            w.WriteString("account_id", accountId);
            w.WriteEndObject();
            w.WriteString("last_refresh", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }

        return file.WrittenSpan.ToArray();
    }

    private static BotBottleException Fail(string code, string path, string message) =>
        new(code, BotBottleErrorCategory.InvalidArgument, message) { TargetObject = path };

    private static string? String(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The decoded payload of a JWT (<c>header.payload.signature</c>, base64url), unverified, as Codex reads it; null when it is not one.</summary>
    private static JsonElement? Payload(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0))
        {
            return null;
        }

        try
        {
            var b64 = parts[1].Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
            using var doc = JsonDocument.Parse(Convert.FromBase64String(b64));
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
