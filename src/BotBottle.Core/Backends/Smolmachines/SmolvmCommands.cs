using System.Globalization;

namespace BotBottle.Backends.Smolmachines;

/// <summary>
/// The exact <c>smolvm</c> argument vectors the smolmachines backend issues, in one place so tests can assert them.
/// Checked against the clap definitions of smolvm v1.9.3 (https://github.com/smol-machines/smolvm, <c>src/cli/machine.rs</c>):
/// <list type="bullet">
/// <item><c>machine create</c> (<c>CreateCmd</c>): <c>-n/--name</c>, <c>-I/--image</c> (a registry reference, an
/// absolute path to a <c>docker save</c> archive, or a rootfs folder; <c>src/data/image_source.rs</c>),
/// <c>--net-backend tsi|virtio-net</c>, <c>--allow-cidr CIDR</c> (repeatable, implies <c>--net</c>),
/// <c>--dns IPV4</c>, <c>--label K=V</c>, <c>-e/--env K=V</c>, and the workload after a mandatory <c>--</c>
/// (<c>last = true</c>).</item>
/// <item><c>machine start|stop|status</c>: <c>-n/--name</c>; <c>status --json</c>; <c>machine delete -n/--name N -f/--force</c>;
/// <c>machine ls --json</c>.</item>
/// <item><c>machine exec</c> (<c>ExecCmd</c>): <c>--name</c>, <c>-w/--workdir</c>, <c>-e/--env</c>, <c>-i</c>,
/// <c>-t</c>, command after <c>--</c>. There is <b>no</b> <c>-u/--user</c>: a command runs as the image's
/// <c>USER</c> (<c>resolve_image_runtime_defaults</c>), so the guest image is the agent image with <c>USER root</c>
/// and agent commands drop privileges with <c>setpriv</c> (<see cref="AsAgent"/>).</item>
/// <item><c>machine cp SRC DST</c> (<c>CpCmd</c>): one file; <c>--mode OCTAL --uid N --gid N</c> on uploads; the
/// side with a <c>:</c> is the machine side (<c>split_once(':')</c>, source first), so no host path may contain
/// <c>:</c>.</item>
/// </list>
/// Networking: <c>--net-backend virtio-net --allow-cidr SIDECAR/32 --dns SIDECAR</c>. Since v1.1.3 smolvm refuses an
/// egress policy on TSI ("TSI does not enforce it", <c>src/network/launch.rs</c>); the virtio-net gateway drops every
/// guest flow to a destination outside the allowlist before opening a host socket
/// (<c>crates/smolvm-network/src/egress.rs</c>) and forwards the guest's DNS to the <c>--dns</c> resolver, which is
/// the sidecar's DNS server (DNS forwarding is not gated by the allowlist, so without <c>--dns</c> it would go to
/// public resolvers).
/// </summary>
internal static class SmolvmCommands
{
    /// <summary>The smolvm features the backend uses, with the first release of each (read from the upstream tags).</summary>
    public static readonly IReadOnlyList<ToolFeature> Features =
    [
        new("smolvm", "machine create --image <docker save archive>", new(1, 1, 0), "src/data/image_source.rs, first in v1.1.0"),
        new("smolvm", "machine create --net-backend virtio-net --allow-cidr (egress allowlist enforced by the virtio-net gateway; TSI refused)", new(1, 1, 3), "src/network/launch.rs validate_requested_network_backend, v1.1.3"),
        new("smolvm", "machine create --dns IP (guest DNS forwarded to the sidecar)", new(1, 2, 5), "src/cli/machine.rs CreateCmd.dns, first in v1.2.5"),
        new("smolvm", "machine create --label K=V, labels in machine ls --json (orphan cleanup)", new(1, 8, 0), "src/cli/machine.rs CreateCmd.labels, first in v1.8.0"),
        new("smolvm", "machine cp --mode/--uid/--gid (owner and mode of provisioned files)", new(1, 9, 0), "src/cli/machine.rs CpCmd, first in v1.9.0"),
    ];

    /// <summary>Lowest smolvm version the backend drives: the highest version in <see cref="Features"/> (1.9.0).</summary>
    public static readonly Version MinimumVersion = ToolFeature.Minimum(Features);

    /// <summary>Privilege drop in the guest: <c>setpriv</c> from util-linux (present in the Debian-based agent images; the guest image build checks it).</summary>
    public const string DropTool = "setpriv";

    /// <summary><c>smolvm --version</c> (clap prints <c>smolvm 1.9.3</c>).</summary>
    public static IReadOnlyList<string> Version() => ["--version"];

    /// <summary>
    /// Creates the bottle's machine: image from a <c>docker save</c> archive, virtio-net networking whose only
    /// allowed peer is <paramref name="sidecarAddress"/><c>/32</c> and whose DNS goes to the same address, labels,
    /// the agent's environment, and an idle workload; no host folder is mounted (no <c>-v</c>).
    /// </summary>
    public static IReadOnlyList<string> Create(string machine, string imageArchive, string sidecarAddress, IEnumerable<KeyValuePair<string, string>> env, IEnumerable<KeyValuePair<string, string>> labels)
    {
        var args = new List<string>
        {
            "machine", "create", "--name", machine, "--image", imageArchive,
            "--net-backend", "virtio-net", "--allow-cidr", AllowCidr(sidecarAddress), "--dns", sidecarAddress,
        };
        CliArgs.AddPairs(args, "--label", labels);
        CliArgs.AddPairs(args, "-e", env);
        args.AddRange(["--", "sleep", "infinity"]);
        return args;
    }

    /// <summary>The allowlist entry for the sidecar: <c>ADDRESS/32</c>.</summary>
    public static string AllowCidr(string sidecarAddress) => sidecarAddress + "/32";

    /// <summary><c>smolvm machine start --name N</c>.</summary>
    public static IReadOnlyList<string> Start(string machine) => ["machine", "start", "--name", machine];

    /// <summary><c>smolvm machine stop --name N</c>.</summary>
    public static IReadOnlyList<string> Stop(string machine) => ["machine", "stop", "--name", machine];

    /// <summary><c>smolvm machine delete --name N -f</c> (no confirmation prompt).</summary>
    public static IReadOnlyList<string> Delete(string machine) => ["machine", "delete", "--name", machine, "-f"];

    /// <summary><c>smolvm machine status --name N --json</c>.</summary>
    public static IReadOnlyList<string> Status(string machine) => ["machine", "status", "--name", machine, "--json"];

    /// <summary><c>smolvm machine ls --json</c>.</summary>
    public static IReadOnlyList<string> List() => ["machine", "ls", "--json"];

    /// <summary>
    /// <c>smolvm machine exec --name N [-w DIR] [-e K=V]… [-i -t] -- ARGV</c>. The command runs as root (the guest
    /// image's <c>USER</c>); pass <see cref="AsAgent"/>'s result to run it as the agent.
    /// </summary>
    public static IReadOnlyList<string> Exec(string machine, IReadOnlyList<string> argv, string? workingDirectory, IEnumerable<KeyValuePair<string, string>> env, bool interactive = false)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var args = new List<string> { "machine", "exec", "--name", machine };
        CliArgs.AddExecOptions(args, workingDirectory, env, interactive);
        args.Add("--");
        args.AddRange(argv);
        return args;
    }

    /// <summary>
    /// <paramref name="argv"/> run as uid/gid <paramref name="uid"/> with that user's supplementary groups:
    /// <c>setpriv --reuid=UID --regid=UID --init-groups -- ARGV</c> (util-linux setpriv(1); <c>--init-groups</c>
    /// reads the groups of the uid's passwd entry, which the agent image creates).
    /// </summary>
    public static IReadOnlyList<string> AsAgent(int uid, IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var id = uid.ToString(CultureInfo.InvariantCulture);
        return [DropTool, "--reuid=" + id, "--regid=" + id, "--init-groups", "--", .. argv];
    }

    /// <summary><c>smolvm machine cp --mode OCTAL --uid N --gid N HOST MACHINE:/guest/path</c> (upload one file).</summary>
    /// <exception cref="ArgumentException"><paramref name="hostPath"/> contains <c>:</c> (smolvm would read it as a machine path).</exception>
    public static IReadOnlyList<string> CopyIn(string hostPath, string machine, string guestPath, UnixFileMode mode, int uid)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostPath);
        if (hostPath.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'smolvm machine cp' reads a source containing ':' as MACHINE:PATH; the host path '{hostPath}' cannot be copied.", nameof(hostPath));
        }

        var id = uid.ToString(CultureInfo.InvariantCulture);
        return ["machine", "cp", "--mode", Convert.ToString((int)mode, 8), "--uid", id, "--gid", id, hostPath, $"{machine}:{guestPath}"];
    }
}
