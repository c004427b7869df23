using BotBottle.Assets;
using BotBottle.Backends;
using BotBottle.Backends.Docker;
using BotBottle.Configuration;
using BotBottle.Egress;
using BotBottle.Instances;
using BotBottle.Manifest;
using BotBottle.Planning;
using BotBottle.Proposals;
using BotBottle.Processes;

namespace BotBottle;

/// <summary>
/// The composition root both faces (cmdlets and CLI) use: the home folder, the manifest catalog for one project
/// folder, the preparer, the process runner, and the three backends (docker, smolmachines, macos-container) in
/// preference order. Holds no mutable state.
/// </summary>
public sealed class BotBottleServices
{
    /// <summary>Wires the services explicitly (tests, embedding).</summary>
    /// <param name="home">The BotBottle home.</param>
    /// <param name="projectDirectory">The project folder (where project agents live, and what a bottle mounts).</param>
    /// <param name="processRunner">Runs external tools.</param>
    /// <param name="environment">Reads host environment variables (default: the process environment).</param>
    public BotBottleServices(BotBottleHome home, string projectDirectory, IProcessRunner processRunner, Func<string, string?>? environment = null)
    {
        Home = home ?? throw new ArgumentNullException(nameof(home));
        ProcessRunner = processRunner ?? throw new ArgumentNullException(nameof(processRunner));
        Environment = environment ?? System.Environment.GetEnvironmentVariable;
        Catalog = new ManifestCatalog(home, projectDirectory);
        Preparer = new BottlePreparer(Catalog, Environment);
        Backends = new BackendRegistry(
        [
            new DockerBackend(home, AssetLocator.Default, processRunner, environment: Environment),
            new BotBottle.Backends.Smolmachines.SmolmachinesBackend(home, processRunner, new DockerSidecarHost(home, AssetLocator.Default, BotBottle.Backends.Smolmachines.SmolmachinesBackend.BackendName), Environment),
            new BotBottle.Backends.AppleContainer.AppleContainerBackend(home, AssetLocator.Default, processRunner, Environment),
        ], Environment);
        Bottles = new BottleService(home, Preparer, Backends, Environment);
        Egress = new EgressCheckService(Bottles.Store, Environment);
        Proposals = new ProposalService(home, Bottles.Store);
    }

    /// <summary>
    /// Services for this process: home from <c>BOT_BOTTLE_HOME</c> (default <c>~/.bot-bottle</c>), project folder
    /// <paramref name="currentDirectory"/> (default: the process's current directory; PowerShell passes its current
    /// file-system location), the real process runner and environment.
    /// </summary>
    public static BotBottleServices FromEnvironment(string? currentDirectory = null) =>
        new(BotBottleHome.FromEnvironment(), currentDirectory ?? System.Environment.CurrentDirectory, Processes.ProcessRunner.Default);

    /// <summary>The BotBottle home.</summary>
    public BotBottleHome Home { get; }

    /// <summary>Agents, bottles, providers: discovery, loading, validation.</summary>
    public ManifestCatalog Catalog { get; }

    /// <summary>Prepares instances.</summary>
    public BottlePreparer Preparer { get; }

    /// <summary>Runs external tools.</summary>
    public IProcessRunner ProcessRunner { get; }

    /// <summary>Reads host environment variables.</summary>
    public Func<string, string?> Environment { get; }

    /// <summary>The isolation backends, in preference order.</summary>
    public BackendRegistry Backends { get; }

    /// <summary>Bottle lifecycle: start, stop, remove, list, exec, attach, headless, cleanup.</summary>
    public BottleService Bottles { get; }

    /// <summary>The offline egress check.</summary>
    public EgressCheckService Egress { get; }

    /// <summary>The operator's side of the supervise plane: proposals, decisions, audit.</summary>
    public ProposalService Proposals { get; }

    /// <summary>The project folder.</summary>
    public string ProjectDirectory => Catalog.ProjectDirectory;
}
