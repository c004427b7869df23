using System.Globalization;

namespace BotBottle.Backends.Smolmachines;

/// <summary>
/// The exact <c>smolvm</c> argument vectors the smolmachines backend issues, in one place so tests can assert them.
/// Syntax from the smolvm CLI (https://github.com/smol-machines/smolvm, <c>src/cli/machine.rs</c> and the generated
/// <c>smolvm machine &lt;cmd&gt; --help</c>): <c>machine create --name N --image IMAGE</c> where IMAGE may be a
/// <c>docker save</c> archive path; <c>--net-backend tsi</c> (libkrun's transparent socket impersonation);
/// <c>--allow-cidr CIDR</c> (repeatable; implies <c>--net</c>; egress only to the listed ranges); <c>-e KEY=VALUE</c>;
/// <c>-v HOST:GUEST</c>; <c>--label KEY=VALUE</c>; a trailing <c>-- COMMAND</c> for the workload;
/// <c>machine start|stop|status --name N</c>; <c>machine delete --name N -f</c>; <c>machine ls --json</c>;
/// <c>machine exec --name N [-u USER] [-w DIR] [-e K=V] [-i -t] -- ARGV</c>; and
/// <c>machine cp [--mode OCTAL --uid N --gid N] SRC MACHINE:/path</c> (the <c>machine:path</c> syntax names the guest side).
/// </summary>
internal static class SmolvmCommands
{
    /// <summary>Lowest smolvm version the backend drives: CIDR egress allowlists (<c>--allow-cidr</c>) are qualified from 1.16.0 (SmolBox "Controlled network access", https://hex.pm/packages/smolbox).</summary>
    public static readonly Version MinimumVersion = new(1, 16, 0);

    /// <summary><c>smolvm --version</c>.</summary>
    public static IReadOnlyList<string> Version() => ["--version"];

    /// <summary>Creates the bottle's machine: image from a <c>docker save</c> archive, TSI networking whose only allowed peer is <paramref name="allowCidr"/>, the agent's environment, labels, and an idle workload; no host folder is mounted.</summary>
    public static IReadOnlyList<string> Create(string machine, string imageArchive, string allowCidr, IEnumerable<KeyValuePair<string, string>> env, IEnumerable<KeyValuePair<string, string>> labels)
    {
        var args = new List<string> { "machine", "create", "--name", machine, "--image", imageArchive, "--net-backend", "tsi", "--allow-cidr", allowCidr };
        CliArgs.AddPairs(args, "--label", labels);

        CliArgs.AddPairs(args, "-e", env);

        // No host folder is mounted (no -v): the workspace starts empty or as a copy (GuestProvisioner).

        args.AddRange(["--", "sleep", "infinity"]);
        return args;
    }

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

    /// <summary><c>smolvm machine exec --name N -u UID:GID -w DIR [-e K=V]… [-i -t] -- ARGV</c>.</summary>
    public static IReadOnlyList<string> Exec(string machine, IReadOnlyList<string> argv, int uid, string? workingDirectory, IEnumerable<KeyValuePair<string, string>> env, bool interactive = false)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var user = uid.ToString(CultureInfo.InvariantCulture);
        var args = new List<string> { "machine", "exec", "--name", machine, "-u", $"{user}:{user}" };
        CliArgs.AddExecOptions(args, workingDirectory, env, interactive);

        args.Add("--");
        args.AddRange(argv);
        return args;
    }

    /// <summary><c>smolvm machine cp --mode OCTAL --uid N --gid N HOST MACHINE:/guest/path</c> (upload one file).</summary>
    public static IReadOnlyList<string> CopyIn(string hostPath, string machine, string guestPath, UnixFileMode mode, int uid)
    {
        var id = uid.ToString(CultureInfo.InvariantCulture);
        return ["machine", "cp", "--mode", Convert.ToString((int)mode, 8), "--uid", id, "--gid", id, hostPath, $"{machine}:{guestPath}"];
    }
}
