using System.Text;
using BotBottle.Planning;

namespace BotBottle.Cli.Secrets;

/// <summary>
/// Asks for a secret on the terminal without echoing it (<see cref="Console.ReadKey(bool)"/> with
/// <c>intercept: true</c>). The prompt goes to stderr. When stdin is not a terminal it supplies nothing, so a
/// headless run reports exactly which <c>BOT_BOTTLE_SECRET_*</c> variable to set.
/// </summary>
internal sealed class ConsoleSecretSource : ISecretSource
{
    public ValueTask<SecretValue?> GetSecretAsync(SecretRequest request, CancellationToken cancellationToken)
    {
        if (Console.IsInputRedirected)
        {
            return ValueTask.FromResult<SecretValue?>(null);
        }

        Console.Error.Write($"Secret for agent '{request.Agent}': {request.PromptText}: ");
        var buffer = new StringBuilder();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (buffer.Length > 0)
                {
                    buffer.Length--;
                }

                continue;
            }

            if (!char.IsControl(key.KeyChar))
            {
                buffer.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        var value = new SecretValue(buffer.ToString());
        buffer.Clear();
        return ValueTask.FromResult<SecretValue?>(value);
    }
}
