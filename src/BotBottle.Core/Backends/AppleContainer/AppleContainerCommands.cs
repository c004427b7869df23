using System.Globalization;

namespace BotBottle.Backends.AppleContainer;

/// <summary>
/// The exact Apple <c>container</c> argument vectors the macos-container backend issues. Checked against the Swift
/// ArgumentParser definitions of apple/container 1.2.2 (<c>Sources/ContainerCommands/**</c> and the shared option
/// groups in <c>Sources/Services/ContainerAPIService/Client/Flags.swift</c>):
/// <c>container build -t TAG -f DOCKERFILE --build-arg K=V CONTEXT</c>;
/// <c>container network create [--internal] [--label K=V] NAME</c> (<c>--internal</c>: host-only);
/// <c>container network delete NAME</c>; <c>container run -d --name N --network NET… -e K=V -e NAME -l K=V -v HOST:GUEST -u
/// UID:GID -w DIR [--dns IP] IMAGE ARGS…</c>; <c>container exec [-u UID:GID] [-w DIR] [-e K=V] [-i -t] ID ARGS…</c>;
/// <c>container copy|cp SRC ID:/path</c>; <c>container inspect ID</c> (JSON); <c>container start|stop ID</c>;
/// <c>container delete --force ID</c>; <c>container list --all --format json</c>; <c>container network list
/// --format json</c>; <c>container system status</c>; <c>container --version</c>. The <c>network</c> subcommands
/// exist only on macOS 26 (<c>Application.otherCommands()</c>), and networks other than the default need macOS 26
/// (<c>Utility.swift</c>: "non-default network configuration requires macOS 26 or newer").
/// </summary>
internal static partial class AppleContainerCommands
{
    /// <summary>The container features the backend uses, with the first release of each (read from the upstream tags).</summary>
    public static readonly IReadOnlyList<ToolFeature> Features =
    [
        new("container", "network create --label", new(0, 5, 0), "Sources/ContainerCommands/Network/NetworkCreate.swift, first in 0.5.0"),
        new("container", "network create --internal (host-only network for the agent)", new(0, 9, 0), "Sources/ContainerCommands/Network/NetworkCreate.swift, first in 0.9.0"),
        new("container", "container copy|cp (provisioning files into a running container)", new(1, 0, 0), "Sources/ContainerCommands/Container/ContainerCopy.swift, first in 1.0.0"),
        new("container", "inspect JSON [{id, configuration, status:{state, networks:[{network, ipv4Address}], startedDate}}]", new(1, 0, 0), "Sources/ContainerResource/Container/ManagedContainer.swift, first in 1.0.0"),
    ];

    /// <summary>Lowest version driven: the highest version in <see cref="Features"/> (1.0.0).</summary>
    public static readonly Version MinimumVersion = ToolFeature.Minimum(Features);

    /// <summary>Lowest macOS major version: the <c>network</c> subcommands and every non-default network (the backend attaches two to the sidecar) need macOS 26.</summary>
    public const int MinimumMacOsMajor = 26;

    /// <summary>Longest container or network name <c>container</c> accepts (a DNS label).</summary>
    public const int MaxNameLength = 63;

    /// <summary>
    /// Whether <c>container network create</c> accepts <paramref name="name"/>:
    /// <c>^[a-z0-9](?:[a-z0-9._-]{0,61}[a-z0-9])?$</c> (1.2.2 <c>Sources/ContainerResource/Network/NetworkResource.swift</c> <c>nameValid</c>).
    /// </summary>
    public static bool NetworkNameValid(string name) => NetworkNamePattern().IsMatch(name ?? string.Empty);

    /// <summary>
    /// Whether <c>container run --name</c> accepts <paramref name="name"/>: at most 63 characters matching
    /// <c>^[a-zA-Z0-9][a-zA-Z0-9_.-]+$</c> (1.2.2 <c>Sources/ContainerResource/Container/ManagedContainer.swift</c> <c>nameValid</c>).
    /// </summary>
    public static bool ContainerNameValid(string name) => name is { Length: <= MaxNameLength } && ContainerNamePattern().IsMatch(name);

    [System.Text.RegularExpressions.GeneratedRegex(@"^[a-z0-9](?:[a-z0-9._-]{0,61}[a-z0-9])?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant, 1000)]
    private static partial System.Text.RegularExpressions.Regex NetworkNamePattern();

    [System.Text.RegularExpressions.GeneratedRegex(@"^[a-zA-Z0-9][a-zA-Z0-9_.-]+$", System.Text.RegularExpressions.RegexOptions.CultureInvariant, 1000)]
    private static partial System.Text.RegularExpressions.Regex ContainerNamePattern();

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

    /// <summary>
    /// <c>container run -d --name N --network NET… [-e K=V]… [-e NAME]… [-l K=V]… [-v HOST:GUEST]… [-u UID:GID] [-w DIR]
    /// [--dns IP] IMAGE ARGS…</c>. <paramref name="env"/> goes on the command line as <c>K=V</c> (values that are no
    /// secret); <paramref name="secretEnv"/> goes as bare names whose values <c>container</c> copies from its own
    /// environment (<see cref="CliArgs.AddInherited"/>), returned in <see cref="BackendCommand.Environment"/>.
    /// </summary>
    public static BackendCommand Run(string name, string image, IEnumerable<string> networks, IEnumerable<KeyValuePair<string, string>> env, IEnumerable<KeyValuePair<string, string>> secretEnv,
        IEnumerable<KeyValuePair<string, string>> labels, IEnumerable<string> volumes, string? user, string? workingDirectory, string? dns, IEnumerable<string> command)
    {
        var args = new List<string> { "run", "-d", "--name", name };
        foreach (var n in networks)
        {
            args.Add("--network");
            args.Add(n);
        }

        CliArgs.AddPairs(args, "-e", env);
        var environment = CliArgs.AddInherited(args, "-e", secretEnv);

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
        return new BackendCommand(args, environment);
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

    /// <summary><c>container start ID</c> (a stopped container, with the networks and options it was created with).</summary>
    public static IReadOnlyList<string> Start(string container) => ["start", container];

    /// <summary><c>container stop ID</c>.</summary>
    public static IReadOnlyList<string> Stop(string container) => ["stop", container];

    /// <summary><c>container delete --force ID</c>.</summary>
    public static IReadOnlyList<string> Delete(string container) => ["delete", "--force", container];

    /// <summary><c>container list --all --format json</c>.</summary>
    public static IReadOnlyList<string> List() => ["list", "--all", "--format", "json"];

    /// <summary><c>container network list --format json</c>.</summary>
    public static IReadOnlyList<string> NetworkList() => ["network", "list", "--format", "json"];
}
