using System.Globalization;

namespace BotBottle.Backends.Docker;

/// <summary>The host user's numeric uid and gid (Linux: from <c>/proc/self/status</c>); <see langword="null"/> elsewhere.</summary>
internal static class HostIdentity
{
    public static (int Uid, int Gid)? Current { get; } = Read();

    private static (int, int)? Read()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            int? uid = null, gid = null;
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                {
                    uid = int.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("Gid:", StringComparison.Ordinal))
                {
                    gid = int.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                }
            }

            return uid is { } u && gid is { } g ? (u, g) : null;
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
