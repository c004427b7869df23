using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace BotBottle.Tests;

/// <summary>
/// A PowerShell host whose user interface answers <see cref="PSHostUserInterface.Prompt"/> (how the module asks for
/// a secret without echo, see <c>BotBottleCmdlet.PromptForSecret</c>) with a fixed value per field, after running
/// <see cref="WhilePrompting"/>: the test's way to change something while the operator would be typing. Everything
/// else the module writes to the host is dropped; interactive reads other than Prompt fail, as in a runbook.
/// </summary>
internal sealed class PromptingHost : PSHost
{
    private readonly Ui _ui;

    public PromptingHost(Func<string, string> answer) => _ui = new Ui(this, answer);

    /// <summary>Runs inside every Prompt call, before it answers.</summary>
    public Action WhilePrompting { get; set; } = () => { };

    /// <summary>The field names prompted for, in order.</summary>
    public List<string> Prompted { get; } = [];

    public override string Name => "BotBottle.Tests.PromptingHost";

    public override Version Version { get; } = new(1, 0);

    public override Guid InstanceId { get; } = Guid.NewGuid();

    public override PSHostUserInterface UI => _ui;

    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;

    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;

    public override void SetShouldExit(int exitCode)
    {
    }

    public override void EnterNestedPrompt() => throw new NotSupportedException();

    public override void ExitNestedPrompt() => throw new NotSupportedException();

    public override void NotifyBeginApplication()
    {
    }

    public override void NotifyEndApplication()
    {
    }

    private sealed class Ui(PromptingHost host, Func<string, string> answer) : PSHostUserInterface
    {
        public override PSHostRawUserInterface? RawUI => null;

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
        {
            host.WhilePrompting();
            var result = new Dictionary<string, PSObject>(StringComparer.OrdinalIgnoreCase);
            foreach (var field in descriptions)
            {
                host.Prompted.Add(field.Name);
                var secure = new SecureString();
                foreach (var c in answer(field.Name))
                {
                    secure.AppendChar(c);
                }

                result[field.Name] = new PSObject(secure);
            }

            return result;
        }

        public override string ReadLine() => throw new PSInvalidOperationException("The test host reads nothing but prompts.");

        public override SecureString ReadLineAsSecureString() => throw new PSInvalidOperationException("The test host reads nothing but prompts.");

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) => throw new PSInvalidOperationException("The test host makes no choices.");

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new PSInvalidOperationException("The test host has no credentials.");

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new PSInvalidOperationException("The test host has no credentials.");

        public override void Write(string value)
        {
        }

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value)
        {
        }

        public override void WriteLine(string value)
        {
        }

        public override void WriteErrorLine(string value)
        {
        }

        public override void WriteDebugLine(string message)
        {
        }

        public override void WriteProgress(long sourceId, ProgressRecord record)
        {
        }

        public override void WriteVerboseLine(string message)
        {
        }

        public override void WriteWarningLine(string message)
        {
        }
    }
}
