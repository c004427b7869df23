using System.CommandLine;
using BotBottle.Egress;

namespace BotBottle.Sidecar.Commands;

/// <summary><c>bot-bottle-sidecar ca create --dir D [--name CN]</c>: makes a bottle CA (for running the proxy by hand).</summary>
internal static class CaCommand
{
    public static Command Create()
    {
        var dir = new Option<string>("--dir") { Description = "Folder to write ca.crt and ca.key (0600) into.", Required = true };
        var name = new Option<string>("--name") { Description = "Subject common name.", DefaultValueFactory = _ => "BotBottle bottle CA" };
        var create = new Command("create", "Create a bottle CA: ca.crt (PEM) and ca.key (PKCS#8 PEM, owner-only).") { dir, name };
        create.SetAction(parse =>
        {
            using var ca = CertificateAuthority.Create(parse.GetValue(name)!);
            ca.Save(parse.GetValue(dir)!);
            Console.Out.WriteLine(Path.Combine(parse.GetValue(dir)!, CertificateAuthority.CertificateFileName));
            return 0;
        });
        return new Command("ca", "Certificate authority tools.") { create };
    }
}
