using System.Globalization;
using System.Text;
using BotBottle.Backends;
using BotBottle.Manifest;
using BotBottle.Processes;

namespace BotBottle.Sidecar.GitGate;

/// <summary>What a git child process did.</summary>
/// <param name="ExitCode">Exit code (-1 when it was killed for running too long).</param>
/// <param name="StandardOutput">Its standard output.</param>
/// <param name="StandardError">Its standard error.</param>
internal sealed record GitRun(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last few lines of standard error, for messages.</summary>
    public string ErrorTail
    {
        get
        {
            var lines = StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return lines.Length == 0 ? $"exit code {ExitCode}" : string.Join(" | ", lines.TakeLast(4));
        }
    }
}

/// <summary>
/// One gated repository seen from the sidecar: its bare mirror in the state folder, its upstream, and the environment
/// git needs to reach that upstream with the host-held credential — SSH with the bottle's key and the pinned host key
/// (<c>StrictHostKeyChecking=yes</c>, <c>IdentitiesOnly=yes</c>, <c>BatchMode=yes</c>, a connect timeout; ssh_config(5)),
/// or HTTPS with the token injected as an <c>Authorization</c> header (git-config(1) <c>http.extraHeader</c>, passed
/// through <c>GIT_CONFIG_COUNT</c>/<c>GIT_CONFIG_KEY_n</c>/<c>GIT_CONFIG_VALUE_n</c> so it is on no command line).
/// The key and token files live on the sidecar's private <c>/tmp</c> (mode 0600), never in the state folder and never
/// in the agent's container.
/// </summary>
internal sealed class GitUpstream
{
    /// <summary>How long an upstream may take to accept the TCP/SSH connection: 10 s.</summary>
    public const int ConnectTimeoutSeconds = 10;

    /// <summary>
    /// Where Debian's libnss-wrapper (installed in the sidecar image) puts its library, per architecture. Declared
    /// before <see cref="BaseEnvironment"/>: static initializers run in text order.
    /// </summary>
    private static readonly string[] NssWrapperLibraries = ["/usr/lib/x86_64-linux-gnu/libnss_wrapper.so", "/usr/lib/aarch64-linux-gnu/libnss_wrapper.so"];

    private readonly Dictionary<string, string?> _upstreamEnvironment;

    private GitUpstream(GitRepository repository, string mirror, Dictionary<string, string?> upstreamEnvironment)
    {
        Repository = repository;
        MirrorPath = mirror;
        _upstreamEnvironment = upstreamEnvironment;
    }

    /// <summary>The manifest's repository entry.</summary>
    public GitRepository Repository { get; }

    /// <summary>The bare mirror: <c>&lt;state&gt;/git/&lt;name&gt;.git</c>.</summary>
    public string MirrorPath { get; }

    /// <summary>The upstream URL.</summary>
    public string Url => Repository.Url;

    /// <summary>The environment for git commands that contact the upstream (on top of <see cref="BaseEnvironment"/>).</summary>
    public IReadOnlyDictionary<string, string?> UpstreamEnvironment => _upstreamEnvironment;

    /// <summary>The sidecar's private working folder for git (credentials, a HOME): <c>$TMPDIR/bb-git-gate</c>.</summary>
    public static string WorkDirectory => Path.Combine(Path.GetTempPath(), "bb-git-gate");

    /// <summary>
    /// Variables every git the gate runs gets: no system or global config (<c>GIT_CONFIG_NOSYSTEM</c>,
    /// <c>GIT_CONFIG_GLOBAL=/dev/null</c>), never a prompt (<c>GIT_TERMINAL_PROMPT=0</c>), no replacement objects
    /// (<c>GIT_NO_REPLACE_OBJECTS=1</c>, git(1)), a private HOME, and — when the
    /// sidecar's uid has no passwd entry (it runs as the host user on a read-only image) — nss_wrapper's files, because
    /// OpenSSH refuses to run for a uid it cannot look up.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> BaseEnvironment { get; } = CreateBaseEnvironment();

    /// <summary>Builds the view of <paramref name="repository"/> with its credential from <paramref name="secrets"/> (sidecar secrets by name), writing the key/known-hosts files it needs.</summary>
    /// <exception cref="InvalidOperationException">The credential is missing from the sidecar's secrets.</exception>
    public static GitUpstream Create(GitRepository repository, string stateDirectory, IReadOnlyDictionary<string, string> secrets)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(secrets);
        var mirror = Path.Combine(stateDirectory, SidecarContract.GitGateDirectory, repository.Name + ".git");
        if (!secrets.TryGetValue(SidecarContract.GitKeySecretName(repository.Name), out var credential) || credential.Trim().Length == 0)
        {
            throw new InvalidOperationException($"the sidecar holds no credential for git-gate.repos.{repository.Name} (the host passes the file its 'key' names at start)");
        }

        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["GIT_HTTP_LOW_SPEED_LIMIT"] = "1000",
            ["GIT_HTTP_LOW_SPEED_TIME"] = "60",
        };
        var uri = new Uri(repository.Url);
        var dir = Path.Combine(WorkDirectory, "repo-" + Convert.ToHexString(Encoding.UTF8.GetBytes(repository.Name)).ToLowerInvariant());
        CreatePrivateDirectory(WorkDirectory);
        CreatePrivateDirectory(dir);
        if (uri.Scheme == "ssh")
        {
            var key = Path.Combine(dir, "id");
            var knownHosts = Path.Combine(dir, "known_hosts");
            var keyText = credential.Replace("\r\n", "\n", StringComparison.Ordinal);
            WritePrivate(key, keyText.EndsWith('\n') ? keyText : keyText + "\n");
            WritePrivate(knownHosts, KnownHostsLine(uri, repository.HostKey ?? string.Empty) + "\n");
            env["GIT_SSH_COMMAND"] = string.Join(' ',
                "ssh", "-F", "/dev/null", "-i", Quote(key),
                "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
                "-o", "UserKnownHostsFile=" + Quote(knownHosts), "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "ConnectTimeout=" + ConnectTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
                "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=4", "-o", "LogLevel=ERROR");
            env["GIT_SSH_VARIANT"] = "ssh";
        }
        else
        {
            var token = credential.Trim();
            var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:" + token));
            env["GIT_CONFIG_COUNT"] = "1";
            env["GIT_CONFIG_KEY_0"] = "http.extraHeader";
            env["GIT_CONFIG_VALUE_0"] = "Authorization: Basic " + basic;
            if (WriteCaBundle(Path.Combine(stateDirectory, SidecarContract.UpstreamCaFile), Path.Combine(dir, "ca-bundle.pem")) is { } bundle)
            {
                env["GIT_SSL_CAINFO"] = bundle;
            }
        }

        return new GitUpstream(repository, mirror, env);
    }

    /// <summary>
    /// The system's CA bundles, in the order distributions put them (Debian/Ubuntu, Fedora/RHEL, Alpine/OpenSSL): the
    /// first that exists is the trust git's libcurl uses by default.
    /// </summary>
    internal static readonly string[] SystemCaBundles = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"];

    /// <summary>
    /// When the host passed <c>--upstream-ca</c> (the state folder's <see cref="SidecarContract.UpstreamCaFile"/>, which
    /// the egress proxy trusts too), writes <paramref name="bundle"/> (mode 0600): the system's CA bundle followed by
    /// those certificates, and returns its path for <c>GIT_SSL_CAINFO</c>. git-config(1) <c>http.sslCAInfo</c>
    /// (<c>GIT_SSL_CAINFO</c>) replaces libcurl's default bundle rather than adding to it, so the file holds both: an
    /// upstream behind a corporate or private CA and one with a public certificate are trusted alike. Returns
    /// <see langword="null"/> (git keeps its default trust) when there is no upstream CA.
    /// </summary>
    internal static string? WriteCaBundle(string upstreamCa, string bundle)
    {
        if (!File.Exists(upstreamCa))
        {
            return null;
        }

        var text = new StringBuilder();
        if (SystemCaBundles.FirstOrDefault(File.Exists) is { } system)
        {
            text.Append(File.ReadAllText(system).TrimEnd()).Append('\n');
        }

        text.Append(File.ReadAllText(upstreamCa).TrimEnd()).Append('\n');
        WritePrivate(bundle, text.ToString());
        return bundle;
    }

    /// <summary>The known_hosts line pinning <paramref name="hostKey"/> (<c>type base64</c>, an optional leading host field is replaced) for the URL's host and port.</summary>
    internal static string KnownHostsLine(Uri uri, string hostKey)
    {
        var fields = hostKey.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var typeIndex = Array.FindIndex(fields, f => f.StartsWith("ssh-", StringComparison.Ordinal) || f.StartsWith("ecdsa-", StringComparison.Ordinal) || f.StartsWith("sk-", StringComparison.Ordinal));
        if (typeIndex < 0 || typeIndex + 1 >= fields.Length)
        {
            throw new InvalidOperationException("the pinned host_key is not '<type> <base64>'");
        }

        var host = uri.IsDefaultPort || uri.Port is 22 or -1 ? uri.Host : $"[{uri.Host}]:{uri.Port.ToString(CultureInfo.InvariantCulture)}";
        return $"{host} {fields[typeIndex]} {fields[typeIndex + 1]}";
    }

    /// <summary>Creates the bare mirror if missing and (re)writes its <c>pre-receive</c> hook to run <paramref name="hookCommand"/>.</summary>
    public async Task EnsureMirrorAsync(string hookCommand, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(MirrorPath, "HEAD")))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(MirrorPath)!);
            var init = await RunAsync(["init", "--quiet", "--bare", MirrorPath], null, null, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            if (!init.Succeeded)
            {
                throw new InvalidOperationException($"git init --bare {MirrorPath} failed: {init.ErrorTail}");
            }
        }

        // The mirror takes what the agent pushes only after the hook forwarded it; nothing is ever garbage collected
        // behind a running push. Pushed objects are checked by git fsck before the hook runs (receive.fsckObjects,
        // git-config(1)): a malformed object — a tree with duplicate entries, which diff shows twice and a checkout
        // writes once — is where git's readers disagree, so it never reaches the scan or the upstream (GitHub refuses
        // such pushes too). A push whose history is cut short (shallow) is refused by receive-pack
        // (receive.shallowUpdate, pinned to git's default), so the scan never reads a commit whose parents it lacks.
        foreach (var (k, v) in new[]
        {
            ("receive.denyDeletes", "false"), ("receive.denyNonFastForwards", "false"), ("gc.auto", "0"), ("core.logAllRefUpdates", "false"),
            ("receive.fsckObjects", "true"), ("receive.shallowUpdate", "false"),
        })
        {
            await RunAsync(["--git-dir=" + MirrorPath, "config", k, v], null, null, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        }

        var hooks = Path.Combine(MirrorPath, "hooks");
        Directory.CreateDirectory(hooks);
        var hook = Path.Combine(hooks, "pre-receive");
        var temp = hook + ".tmp";
        await File.WriteAllTextAsync(temp, $"#!/bin/sh\n# Written by the BotBottle git gate: scan, ask, forward upstream; see docs/git-gate.md.\nexec {hookCommand}\n", cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, (UnixFileMode)0b111_101_101);
        }

        File.Move(temp, hook, overwrite: true);
    }

    /// <summary>
    /// Refreshes the mirror from the upstream: <c>git fetch --prune &lt;url&gt; +refs/heads/*:refs/heads/* +refs/tags/*:refs/tags/*</c>
    /// (the URL, not a named remote, so no remote-tracking refs exist to go stale).
    /// </summary>
    /// <remarks>
    /// When the mirror's <c>HEAD</c> names a branch it does not have (a new mirror says <c>master</c>), it is pointed at
    /// the upstream's default branch (<c>git ls-remote --symref &lt;url&gt; HEAD</c>), so clones check out what they
    /// would from the upstream.
    /// </remarks>
    public async Task<GitRun> RefreshAsync(CancellationToken cancellationToken)
    {
        var fetch = await RunAsync(["--git-dir=" + MirrorPath, "fetch", "--quiet", "--prune", "--no-write-fetch-head", Url, "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"],
            _upstreamEnvironment, null, TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
        if (!fetch.Succeeded)
        {
            return fetch;
        }

        var head = await RunAsync(["--git-dir=" + MirrorPath, "symbolic-ref", "-q", "HEAD"], null, null, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        var target = head.StandardOutput.Trim();
        var exists = target.Length > 0 && (await RunAsync(["--git-dir=" + MirrorPath, "rev-parse", "-q", "--verify", target], null, null, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false)).Succeeded;
        if (!exists)
        {
            var remote = await RunAsync(["--git-dir=" + MirrorPath, "ls-remote", "--symref", Url, "HEAD"], _upstreamEnvironment, null, TimeSpan.FromMinutes(1), cancellationToken).ConfigureAwait(false);
            var symref = remote.StandardOutput.Split('\n').FirstOrDefault(l => l.StartsWith("ref: ", StringComparison.Ordinal));
            var branch = symref?.Split('\t')[0]["ref: ".Length..].Trim();
            if (branch is not null && branch.StartsWith("refs/heads/", StringComparison.Ordinal))
            {
                await RunAsync(["--git-dir=" + MirrorPath, "symbolic-ref", "HEAD", branch], null, null, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            }
        }

        return fetch;
    }

    /// <summary>
    /// Runs git with <see cref="BaseEnvironment"/> plus <paramref name="environment"/>, feeding <paramref name="input"/> (if any), killing it after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<GitRun> RunAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment, string? input, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var env = new Dictionary<string, string?>(BaseEnvironment, StringComparer.Ordinal);
        foreach (var (k, v) in environment ?? new Dictionary<string, string?>())
        {
            env[k] = v;
        }

        var spec = new ProcessSpec("git", arguments) { Environment = env, Timeout = timeout };
        if (input is not null)
        {
            spec = spec.WithInput(input);
        }

        try
        {
            var r = await ProcessRunner.Default.RunAsync(spec, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new GitRun(r.ExitCode, r.StandardOutput, r.StandardError);
        }
        catch (ProcessTimeoutException)
        {
            return new GitRun(-1, string.Empty, $"git did not finish within {timeout.TotalSeconds:0} s and was stopped");
        }
    }

    /// <summary>Single-quotes <paramref name="value"/> for the shell git runs <c>GIT_SSH_COMMAND</c> with.</summary>
    internal static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static Dictionary<string, string?> CreateBaseEnvironment()
    {
        var home = Path.Combine(WorkDirectory, "home");
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["GIT_CONFIG_GLOBAL"] = "/dev/null",
            ["GIT_TERMINAL_PROMPT"] = "0",
            ["GIT_ASKPASS"] = "/bin/false",
            ["SSH_ASKPASS"] = "/bin/false",
            ["HOME"] = home,
            ["LC_ALL"] = "C",

            // Replacement refs (git-replace(1)) make log, cat-file and merge-base read another object in place of the one
            // named, while pack-objects sends the real one: a pushed refs/replace/<X> in the mirror would make the scan
            // of a later push of X read a clean decoy (red team 9). Every git the gate runs sees objects as they are.
            ["GIT_NO_REPLACE_OBJECTS"] = "1",
        };
        try
        {
            CreatePrivateDirectory(WorkDirectory);
            Directory.CreateDirectory(home);
            var uid = GetUid();
            var nss = NssWrapperLibraries.FirstOrDefault(File.Exists);
            if (uid >= 0 && OperatingSystem.IsLinux() && !PasswdHasUid(uid) && nss is not null)
            {
                var passwd = Path.Combine(WorkDirectory, "passwd");
                var group = Path.Combine(WorkDirectory, "group");
                var id = uid.ToString(CultureInfo.InvariantCulture);
                File.WriteAllText(passwd, $"gate:x:{id}:{id}:git gate:{home}:/bin/sh\n");
                File.WriteAllText(group, $"gate:x:{id}:\n");
                env["LD_PRELOAD"] = nss;
                env["NSS_WRAPPER_PASSWD"] = passwd;
                env["NSS_WRAPPER_GROUP"] = group;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return env;
    }


    private static bool PasswdHasUid(int uid)
    {
        try
        {
            var id = uid.ToString(CultureInfo.InvariantCulture);
            return File.ReadLines("/etc/passwd").Select(l => l.Split(':')).Any(f => f.Length > 2 && f[2] == id);
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static int GetUid()
    {
        try
        {
            // /proc/self/status: "Uid:\t<real>\t<effective>…"
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            return line is null ? -1 : int.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException)
        {
            return -1;
        }
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static void WritePrivate(string path, string content)
    {
        var temp = path + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var fs = new FileStream(temp, options))
        {
            fs.Write(Encoding.UTF8.GetBytes(content));
        }

        File.Move(temp, path, overwrite: true);
    }
}
