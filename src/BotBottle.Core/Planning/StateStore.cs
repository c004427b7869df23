using System.Security.Cryptography;

namespace BotBottle.Planning;

/// <summary>
/// Writes instance state dirs. Every file is written atomically (a temporary file in the same folder, flushed to
/// disk, then renamed over the target), and a new instance's folder appears whole: its files are written into a
/// temporary sibling folder that is then renamed to <c>state/&lt;slug&gt;</c>. On Unix, folders are created 0700 and
/// files 0600 (owner only).
/// </summary>
internal static class StateStore
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="directory"/> (and its parents) owner-only on Unix.</summary>
    public static void CreateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        }
    }

    /// <summary>
    /// Creates <paramref name="instanceDirectory"/> holding <paramref name="files"/>.
    /// Returns <see langword="false"/> (and leaves nothing behind) when the folder already exists.
    /// </summary>
    public static bool TryCreateInstance(string instanceDirectory, IReadOnlyList<(string Name, byte[] Content)> files)
    {
        var parent = Path.GetDirectoryName(instanceDirectory)!;
        CreateDirectory(parent);
        if (Directory.Exists(instanceDirectory))
        {
            return false;
        }

        var temp = Path.Combine(parent, $".{Path.GetFileName(instanceDirectory)}.tmp-{RandomSuffix()}");
        CreateDirectory(temp);
        try
        {
            foreach (var (name, content) in files)
            {
                WriteAtomic(Path.Combine(temp, name), content);
            }

            try
            {
                Directory.Move(temp, instanceDirectory);
            }
            catch (IOException) when (Directory.Exists(instanceDirectory))
            {
                return false;
            }

            return true;
        }
        finally
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
        }
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> atomically: temp file, flush to disk, rename.</summary>
    public static void WriteAtomic(string path, byte[] content)
    {
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.tmp-{RandomSuffix()}");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static string RandomSuffix() => Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
}
