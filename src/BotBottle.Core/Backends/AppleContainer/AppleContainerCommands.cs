using System.Globalization;

namespace BotBottle.Backends.AppleContainer;

/// <summary>
/// The exact Apple <c>container</c> argument vectors the macos-container backend issues. Syntax from the tool's
/// command reference (https://github.com/apple/container, <c>docs/command-reference.md</c>):
/// <c>container build -t TAG -f DOCKERFILE --build-arg K=V CONTEXT</c>;
/// <c>container network create [--internal] [--label K=V] NAME</c> (<c>--internal</c>: host-only, macOS 26+);
/// <c>container network delete NAME</c>; <c>container run -d --name N --network NET… -e K=V -l K=V -v HOST:GUEST -u
/// UID:GID -w DIR [--dns IP] IMAGE ARGS…</c>; <c>container exec [-u UID:GID] [-w DIR] [-e K=V] [-i -t] ID ARGS…</c>;
/// <c>container copy|cp SRC ID:/path</c> (running container; 1.0.0+); <c>container inspect ID</c> (JSON);
/// <c>container start|stop ID</c>; <c>container delete --force ID</c>; <c>container list --all --format json</c>;
/// <c>container system status</c>; <c>container --version</c>.
/// </summary>
internal static class AppleContainerCommands
{
    /// <summary>Lowest version driven: <c>container copy</c> arrived after 0.7.1, in 1.0.0 (command reference).</summary>
    public static readonly Version MinimumVersion = new(1, 0, 0);

    /// <summary><c>container --version</c>.</summary>
    public static IReadOnlyList<string> Version() => ["--version"];

    /// <summary><c>container system status</c> (exit 0 when the service runs).</summary>
    public static IReadOnlyList<string> SystemStatus() => ["system", "status"];

    /// <summary><c>container build -t TAG -f DOCKERFILE [--build-arg K=V]… CONTEXT</c>.</summary>
    public static IReadOnlyList<string> Build(string tag, string dockerfile, IEnumerable<KeyValuePair<string, string>> buildArgs, string context)
    {
        var args = new List<string> { "build", "-t", tag, "-f", dockerfile };
        foreach (var (k, v) in buildArgs.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            args.Add("--build-arg");
            args.Add($"{k}={v}");
        }

        args.Add(context);
        return args;
    }

    /// <summary><c>container network create [--internal] --label K=V… NAME</c>.</summary>
    public static IReadOnlyList<string> NetworkCreate(string name, bool hostOnly, IEnumerable<KeyValuePair<string, string>> labels)
    {
        var args = new List<string> { "network", "create" };
        if (hostOnly)
        {
            args.Add("--internal");
        }

        CliArgs.AddPairs(args, "--label", labels);

        args.Add(name);
        return args;
    }

    /// <summary><c>container network delete NAME</c>.</summary>
    public static IReadOnlyList<string> NetworkDelete(string name) => ["network", "delete", name];

    /// <summary><c>container run -d --name N --network NET… [-e K=V]… [-l K=V]… [-v HOST:GUEST]… [-u UID:GID] [-w DIR] [--dns IP] IMAGE ARGS…</c>.</summary>
    public static IReadOnlyList<string> Run(string name, string image, IEnumerable<string> networks, IEnumerable<KeyValuePair<string, string>> env,
        IEnumerable<KeyValuePair<string, string>> labels, IEnumerable<string> volumes, string? user, string? workingDirectory, string? dns, IEnumerable<string> command)
    {
        var args = new List<string> { "run", "-d", "--name", name };
        foreach (var n in networks)
        {
            args.Add("--network");
            args.Add(n);
        }

        CliArgs.AddPairs(args, "-e", env);

        CliArgs.AddPairs(args, "-l", labels);

        foreach (var v in volumes)
        {
            args.Add("-v");
            args.Add(v);
        }

        if (user is not null)
        {
            args.Add("-u");
            args.Add(user);
        }

        if (workingDirectory is not null)
        {
            args.Add("-w");
            args.Add(workingDirectory);
        }

        if (dns is not null)
        {
            args.Add("--dns");
            args.Add(dns);
        }

        args.Add(image);
        args.AddRange(command);
        return args;
    }

    /// <summary><c>container exec -u UID:GID [-w DIR] [-e K=V]… [-i -t] ID ARGV…</c>.</summary>
    public static IReadOnlyList<string> Exec(string container, IReadOnlyList<string> argv, int uid, string? workingDirectory, IEnumerable<KeyValuePair<string, string>> env, bool interactive = false)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var id = uid.ToString(CultureInfo.InvariantCulture);
        var args = new List<string> { "exec", "-u", $"{id}:{id}" };
        CliArgs.AddExecOptions(args, workingDirectory, env, interactive);

        args.Add(container);
        args.AddRange(argv);
        return args;
    }

    /// <summary><c>container cp HOST ID:/guest/path</c> (upload).</summary>
    public static IReadOnlyList<string> CopyIn(string hostPath, string container, string guestPath) => ["cp", hostPath, $"{container}:{guestPath}"];

    /// <summary><c>container inspect ID</c>.</summary>
    public static IReadOnlyList<string> Inspect(string container) => ["inspect", container];

    /// <summary><c>container stop ID</c>.</summary>
    public static IReadOnlyList<string> Stop(string container) => ["stop", container];

    /// <summary><c>container delete --force ID</c>.</summary>
    public static IReadOnlyList<string> Delete(string container) => ["delete", "--force", container];

    /// <summary><c>container list --all --format json</c>.</summary>
    public static IReadOnlyList<string> List() => ["list", "--all", "--format", "json"];

    /// <summary><c>container network list --format json</c>.</summary>
    public static IReadOnlyList<string> NetworkList() => ["network", "list", "--format", "json"];
}
