namespace BotBottle.Backends;

/// <summary>
/// Argument-vector pieces the Docker-style CLIs we drive (<c>smolvm</c>, Apple <c>container</c>) spell the same way:
/// repeated <c>FLAG K=V</c> pairs and the <c>exec</c> options <c>-w DIR</c>, <c>-e K=V</c>…, <c>-i -t</c>.
/// </summary>
internal static class CliArgs
{
    /// <summary>Appends <c><paramref name="flag"/> K=V</c> for each pair, in order.</summary>
    public static void AddPairs(List<string> args, string flag, IEnumerable<KeyValuePair<string, string>> pairs)
    {
        foreach (var (k, v) in pairs)
        {
            args.Add(flag);
            args.Add($"{k}={v}");
        }
    }

    /// <summary>
    /// Appends <c><paramref name="flag"/> NAME</c> (the name alone, no <c>=</c>) for each pair and returns NAME → value
    /// for the tool's own environment, so values stay out of the argument vector that <c>ps</c> shows every host user
    /// and that error messages print. Both tools copy a bare name's value from their own environment and drop the
    /// variable when it is unset there: Apple <c>container</c> 1.0.0–1.2.2
    /// <c>Sources/Services/ContainerAPIService/Client/Parser.swift</c> <c>Parser.env(envList:)</c> ("Only inherit
    /// from host if no "=" is present"; line 217 at 1.0.0, 227 at 1.2.2; option help in <c>Flags.swift</c> line 58:
    /// "key=value, or just key to inherit from host"), resolved in the CLI process for <c>run</c>
    /// (<c>Parser.process</c>) and <c>exec</c> (<c>ContainerExec.swift</c> <c>Parser.allEnv</c>); smolvm v1.9.0–v1.9.3
    /// <c>src/util.rs</c> <c>parse_env_spec</c> line 81 ("Key-only form: forward the value from the host
    /// environment"), used by <c>machine create</c> (<c>src/cli/vm_common.rs</c> <c>build_vm_record</c>) and
    /// <c>machine exec</c>.
    /// </summary>
    /// <returns>The child-process environment: each NAME with its value (pass it as <c>ProcessSpec.Environment</c>).</returns>
    /// <exception cref="ArgumentException">A name is empty or contains <c>=</c> (the tool would read it as <c>K=V</c>).</exception>
    public static Dictionary<string, string?> AddInherited(List<string> args, string flag, IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (k, v) in pairs)
        {
            if (k.Length == 0 || k.Contains('=', StringComparison.Ordinal))
            {
                throw new ArgumentException($"The variable name '{k}' cannot be passed by name: it is empty or contains '='.", nameof(pairs));
            }

            args.Add(flag);
            args.Add(k);
            environment[k] = v;
        }

        return environment;
    }

    /// <summary>Appends <c>[-w DIR] [-e K=V]… [-i -t]</c>.</summary>
    public static void AddExecOptions(List<string> args, string? workingDirectory, IEnumerable<KeyValuePair<string, string>> env, bool interactive)
    {
        if (workingDirectory is not null)
        {
            args.Add("-w");
            args.Add(workingDirectory);
        }

        AddPairs(args, "-e", env);
        if (interactive)
        {
            args.Add("-i");
            args.Add("-t");
        }
    }
}
