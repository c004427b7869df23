using System.Text.Json;
using BotBottle.Configuration;
using BotBottle.Errors;
using BotBottle.Planning;
using BotBottle.Serialization;

namespace BotBottle.Instances;

/// <summary>One instance as stored in its state folder: the (immutable) plan and the (changing) metadata.</summary>
/// <param name="Directory">The state folder, <c>&lt;home&gt;/state/&lt;slug&gt;</c>.</param>
/// <param name="Plan">The plan written at prepare time.</param>
/// <param name="Metadata">The current metadata.</param>
public sealed record InstanceRecord(string Directory, BottlePlan Plan, BottleMetadata Metadata)
{
    /// <summary>The slug.</summary>
    public string Slug => Plan.Slug;

    /// <summary>Path of a file in the state folder.</summary>
    public string PathOf(string name) => Path.Combine(Directory, name);

    /// <summary>The facts the backend recorded when it started the bottle.</summary>
    public BottleRuntime Runtime => Metadata.Runtime;

    /// <summary>What a backend works on: the state folder, the plan and the recorded facts.</summary>
    public Backends.BottleTarget Target => new(Directory, Plan, Metadata.Runtime);

    /// <summary>The public view.</summary>
    public Bottle ToBottle() => new()
    {
        Name = Slug,
        Agent = Metadata.Agent,
        State = Metadata.State,
        Backend = Metadata.Backend,
        Label = Metadata.Label,
        ProjectPath = Metadata.ProjectPath,
        Created = Metadata.CreatedAt,
        StateDirectory = Directory,
        Plan = Plan,
        Repositories = Bottle.RepositoriesOf(Plan),
        Started = Metadata.StartedAt,
        Error = Metadata.Error,
    };

    /// <inheritdoc />
    public override string ToString() => Slug;
}

/// <summary>Reads and updates instance state folders. Writes are atomic (temp file, flush, rename).</summary>
public sealed class InstanceStore(BotBottleHome home)
{
    /// <summary>The home whose <c>state/</c> this store reads.</summary>
    public BotBottleHome Home { get; } = home ?? throw new ArgumentNullException(nameof(home));

    /// <summary>Slugs of every state folder (folders with a <c>metadata.json</c>), sorted.</summary>
    public IReadOnlyList<string> Slugs()
    {
        if (!System.IO.Directory.Exists(Home.StateDirectory))
        {
            return [];
        }

        return [.. System.IO.Directory.EnumerateDirectories(Home.StateDirectory)
            .Where(d => !Path.GetFileName(d).StartsWith('.') && File.Exists(Path.Combine(d, "metadata.json")))
            .Select(d => Path.GetFileName(d)!)
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>Loads an instance.</summary>
    /// <exception cref="BotBottleException"><c>BottleNotFound</c> (no such state folder) or <c>StateInvalid</c> (unreadable plan or metadata).</exception>
    public InstanceRecord Load(string slug)
    {
        ArgumentException.ThrowIfNullOrEmpty(slug);
        var dir = Home.InstanceDirectory(slug);
        if (!File.Exists(Path.Combine(dir, "metadata.json")))
        {
            throw new BotBottleException("BottleNotFound", BotBottleErrorCategory.ObjectNotFound,
                $"There is no bottle named '{slug}' (no state in {dir}); list the bottles to see which there are.")
            { TargetObject = slug, Recommended = RecommendedAction.ListBottles };
        }

        try
        {
            var plan = JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(dir, "plan.json")), PlanJsonContext.Default.BottlePlan)
                ?? throw new JsonException("plan.json is empty");
            var meta = JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(dir, "metadata.json")), PlanJsonContext.Default.BottleMetadata)
                ?? throw new JsonException("metadata.json is empty");
            return new InstanceRecord(dir, plan, meta);
        }
        catch (Exception ex) when (ex is JsonException or IOException or NotSupportedException)
        {
            throw new BotBottleException("StateInvalid", BotBottleErrorCategory.InvalidData,
                $"The state of bottle '{slug}' in {dir} cannot be read ({ex.Message}). Remove it with force.", ex)
            { TargetObject = slug, Recommended = RecommendedAction.ForceRemove(slug) };
        }
    }

    /// <summary>Loads an instance, or returns <see langword="null"/> when it does not exist or cannot be read.</summary>
    public InstanceRecord? TryLoad(string slug)
    {
        try
        {
            return Load(slug);
        }
        catch (BotBottleException)
        {
            return null;
        }
    }

    /// <summary>Writes new metadata for <paramref name="instance"/> (stamping <c>UpdatedAt</c>) and returns the updated record.</summary>
    public static InstanceRecord Update(InstanceRecord instance, Func<BottleMetadata, BottleMetadata> change)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(change);
        var meta = change(instance.Metadata) with { UpdatedAt = DateTimeOffset.UtcNow };
        StateStore.WriteAtomic(instance.PathOf("metadata.json"), JsonSerializer.SerializeToUtf8Bytes(meta, PlanJsonContext.Readable.BottleMetadata));
        return instance with { Metadata = meta };
    }

    /// <summary>Writes a file into the instance's state folder atomically, owner-only.</summary>
    public static void WriteFile(InstanceRecord instance, string name, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(instance);
        StateStore.WriteAtomic(instance.PathOf(name), content);
    }

    /// <summary>
    /// Raised with the slug and its state folder just before <see cref="Delete"/> removes the folder, so what the
    /// sidecar left there for the host (its audit files) can be collected first.
    /// </summary>
    public event Action<string, string>? Deleting;

    /// <summary>Deletes the state folder (after <see cref="Deleting"/>).</summary>
    public void Delete(string slug)
    {
        var dir = Home.InstanceDirectory(slug);
        if (System.IO.Directory.Exists(dir))
        {
            Deleting?.Invoke(slug, dir);
            System.IO.Directory.Delete(dir, recursive: true);
        }
    }
}
