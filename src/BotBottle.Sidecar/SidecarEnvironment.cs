namespace BotBottle.Sidecar;

/// <summary>How the host hands the sidecar what it must keep from the agent.</summary>
internal static class SidecarEnvironment
{
    /// <summary>
    /// Prefix of the variables carrying secret values into the sidecar: <c>BB_SIDECAR_SECRET_&lt;NAME&gt;</c> holds the
    /// value of <c>auth.token_ref</c> / bottle secret <c>NAME</c>. Only the sidecar container gets them; they are the
    /// bottle's known secrets for DLP too.
    /// </summary>
    public const string SecretPrefix = "BB_SIDECAR_SECRET_";

    /// <summary>The secrets present in this process's environment, by name.</summary>
    public static IReadOnlyDictionary<string, string> ReadSecrets()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            if (e.Key is string k && k.StartsWith(SecretPrefix, StringComparison.Ordinal) && e.Value is string v && v.Length > 0)
            {
                result[k[SecretPrefix.Length..]] = v;
            }
        }

        return result;
    }
}
