namespace BotBottle.Sidecar.Http;

/// <summary>
/// The bytes one request holds in a shared <see cref="MemoryBudget"/>: grown as a body arrives, returned whole by
/// <see cref="ReleaseAll"/> (or <see cref="Dispose"/>), after which it serves the next request. One request at a time;
/// not thread-safe.
/// </summary>
internal sealed class BudgetReservation(MemoryBudget budget) : IDisposable
{
    /// <summary>Bytes held now.</summary>
    public long Held { get; private set; }

    /// <summary>Reserves <paramref name="bytes"/> more; <see langword="false"/> (nothing more held) when the budget has no room.</summary>
    public bool TryReserve(long bytes)
    {
        if (bytes <= 0)
        {
            return true;
        }

        if (!budget.TryReserve(bytes))
        {
            return false;
        }

        Held += bytes;
        return true;
    }

    /// <summary>
    /// Reserves as much of <paramref name="max"/> as the budget has room for now and returns that many bytes (0 when it
    /// is full); the caller returns the unused part with <see cref="Release"/>.
    /// </summary>
    public long ReserveUpTo(long max)
    {
        while (true)
        {
            var n = Math.Min(max, budget.Capacity - budget.Used);
            if (n <= 0)
            {
                return 0;
            }

            if (TryReserve(n))
            {
                return n;
            }
        }
    }

    /// <summary>Returns <paramref name="bytes"/> of what is held (at most all of it), e.g. the unused part of a grant.</summary>
    public void Release(long bytes)
    {
        var n = Math.Clamp(bytes, 0, Held);
        budget.Release(n);
        Held -= n;
    }

    /// <summary>Returns everything held.</summary>
    public void ReleaseAll() => Release(Held);

    /// <summary>Returns everything held (<see cref="ReleaseAll"/>).</summary>
    public void Dispose() => ReleaseAll();
}
