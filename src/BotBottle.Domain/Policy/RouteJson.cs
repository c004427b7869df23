using System.Text.Json;

namespace BotBottle.Policy;

/// <summary>
/// Routes as JSON in the manifest's own schema (snake_case keys, the shape <c>egress-allow</c> accepts and a routes
/// file holds): <c>{"host", "ports"?, "auth": {"scheme", "name"?, "user"?, "password"?, "token_ref"}, "matches": [{"paths": [{"type", "value"}], "methods",
/// "headers": {"Name": {"type", "value"}}}], "dlp": {...}, "git": {"fetch"}, "allow_private"}</c>. A credential
/// appears only as the name of the variable that holds it.
/// </summary>
public static class RouteJson
{
    /// <summary>Writes <paramref name="routes"/> as a JSON array.</summary>
    public static void WriteRoutes(Utf8JsonWriter w, IEnumerable<EgressRoute> routes)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(routes);
        w.WriteStartArray();
        foreach (var r in routes)
        {
            WriteRoute(w, r);
        }

        w.WriteEndArray();
    }

    /// <summary>Writes one route as a JSON object.</summary>
    public static void WriteRoute(Utf8JsonWriter w, EgressRoute r)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(r);
        w.WriteStartObject();
        w.WriteString("host", r.Host);
        if (!r.Ports.IsDefaultOrEmpty)
        {
            w.WriteStartArray("ports");
            foreach (var p in r.Ports)
            {
                w.WriteNumberValue(p);
            }

            w.WriteEndArray();
        }
        if (r.Auth is { } a)
        {
            w.WriteStartObject("auth");
            w.WriteString("scheme", a.SchemeText);
            if (a.Name is { } name)
            {
                w.WriteString("name", name);
            }

            if (a.User is { } user)
            {
                w.WriteString("user", user);
            }

            if (a.Password is { } password)
            {
                w.WriteString("password", password);
            }

            w.WriteString("token_ref", a.TokenRef);
            w.WriteEndObject();
        }

        if (!r.Matches.IsDefaultOrEmpty)
        {
            w.WriteStartArray("matches");
            foreach (var m in r.Matches)
            {
                w.WriteStartObject();
                if (!m.Paths.IsDefaultOrEmpty)
                {
                    w.WriteStartArray("paths");
                    foreach (var p in m.Paths)
                    {
                        w.WriteStartObject();
                        w.WriteString("type", p.Type.ToString().ToLowerInvariant());
                        w.WriteString("value", p.Value);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }

                if (!m.Methods.IsDefaultOrEmpty)
                {
                    w.WriteStartArray("methods");
                    foreach (var x in m.Methods)
                    {
                        w.WriteStringValue(x);
                    }

                    w.WriteEndArray();
                }

                if (!m.Headers.IsDefaultOrEmpty)
                {
                    w.WriteStartObject("headers");
                    foreach (var h in m.Headers)
                    {
                        w.WriteStartObject(h.Name);
                        w.WriteString("type", h.Value.Type.ToString().ToLowerInvariant());
                        w.WriteString("value", h.Value.Value);
                        w.WriteEndObject();
                    }

                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteStartObject("dlp");
        if (r.Dlp.OutboundDetectors.IsDefaultOrEmpty)
        {
            w.WriteBoolean("outbound_detectors", false);
        }
        else
        {
            w.WriteStartArray("outbound_detectors");
            foreach (var d in r.Dlp.OutboundDetectors)
            {
                w.WriteStringValue(d == OutboundDetector.TokenPatterns ? "token_patterns" : "known_secrets");
            }

            w.WriteEndArray();
        }

        w.WriteStartArray("inbound_detectors");
        foreach (var _ in r.Dlp.InboundDetectors)
        {
            w.WriteStringValue("injection");
        }

        w.WriteEndArray();
        w.WriteString("outbound_on_match", r.Dlp.OutboundOnMatch.ToString().ToLowerInvariant());
        w.WriteEndObject();
        w.WriteStartObject("git");
        w.WriteBoolean("fetch", r.Git.Fetch);
        w.WriteEndObject();
        w.WriteBoolean("allow_private", r.AllowPrivate);
        w.WriteEndObject();
    }
}
