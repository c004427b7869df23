using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The r26 reach round of issue 16: passwords that administration commands take as positional arguments or behind
/// options 452c1ea did not know — <c>net user NAME PASSWORD</c>, <c>net use \\server\share PASSWORD</c>,
/// <c>smbclient //server/share PASSWORD</c>, <c>rabbitmqctl add_user</c>, <c>wpa_passphrase</c>, <c>vault login</c>,
/// Oracle's <c>sqlplus user/password@db</c>, <c>rclone config create … pass</c>, <c>mkpasswd</c>, an ftp script's
/// <c>user NAME PASSWORD</c>, Jenkins' <c>-auth user:token</c>, <c>ipmitool</c>/<c>bcp</c>/<c>mosquitto_pub</c>/<c>p4</c>
/// <c>-P</c>, <c>racadm</c>/<c>rdesktop</c>/<c>cqlsh</c>/<c>dotnet nuget</c> <c>-p</c>, SNMPv3's <c>-A</c>/<c>-X</c>,
/// <c>openssl enc -k</c>, PuTTY's <c>-pw</c>, <c>dsadd -pwd</c>, <c>nmcli … password</c>, and commands after a
/// transcript's shell prompt — with the look-alikes that must stay quiet.
/// </summary>
public sealed class ReachRound26Tests
{
    /// <summary>A 12-character password: shorter than a token run (16), so only a form found from a credential word reaches it.</summary>
    private const string Short = "Wq7#mZ2!kR9x";

    /// <summary>A 20-character password without symbols: one token run, as the run-start forms need.</summary>
    private const string Long = "Wint3rQ7xmPz9kLr2024";

    private static string Fill(string form) => form.Replace("{0}", Short, StringComparison.Ordinal).Replace("{1}", Long, StringComparison.Ordinal);

    private static void AssertFormFound(string form)
    {
        string text = Fill(form);
        string value = form.Contains("{0}", StringComparison.Ordinal) ? Short : Long;
        AssertFoundExactly(text, value);
        AssertFoundExactly(InModelRequest(text), value); // the command inside a model request
        AssertFoundExactly("me@box:~$ " + text, value); // after a transcript's prompt
    }

    [Theory]
    [InlineData("net user alice {1} /add\n")]
    [InlineData("net user Administrator {1}\n")]
    [InlineData("NET USER svc_backup \"{1}\" /add /domain\n")]
    [InlineData("net use \\\\fs01\\share {1} /user:CORP\\alice\n")]
    [InlineData("net use Z: \\\\fs01\\share /user:CORP\\alice {1} /persistent:yes\n")]
    [InlineData("smbclient //fs01/share {1} -U alice\n")]
    [InlineData("smbclient //fs01/share '{1}' -U alice -c 'ls'\n")]
    [InlineData("rabbitmqctl add_user admin '{1}'\n")]
    [InlineData("sudo rabbitmqctl add_user deploy {1}\n")]
    [InlineData("wpa_passphrase HomeNet '{1}' >> /etc/wpa_supplicant.conf\n")]
    [InlineData("vault login {1}\n")]
    [InlineData("rclone config create s3 s3 access_key_id AKIAEXAMPLE secret_access_key {1}\n")]
    [InlineData("rclone config create box1 ftp host ftp.example.com user bob pass \"{1}\"\n")]
    [InlineData("mkpasswd -m sha-512 '{1}'\n")]
    [InlineData("useradd -m -p \"$(mkpasswd -m sha-512 {1})\" alice\n")]
    [InlineData("ftp -n ftp.example.com <<EOF\nuser alice {1}\nget a.txt\nEOF\n")]
    public void Positional_passwords_are_found(string form) => AssertFormFound(form);

    [Theory]
    [InlineData("sqlplus scott/{1}@orcl\n", "{1}")]
    [InlineData("sqlplus -s system/{1}@//db.example.com:1521/XE @report.sql\n", "{1}")]
    [InlineData("sqlplus 'sys/{1}@PROD as sysdba'\n", "{1}")]
    [InlineData("cd /backup && expdp hr/{1}@pdb1 directory=dp schemas=hr\n", "{1}")]
    [InlineData("rman target sys/{1}@prod\n", "{1}")]
    [InlineData("sqlplus appuser/Tq7x2024kLm@db\n", "Tq7x2024kLm")] // 11 characters: the user and its / make the token run 16+ long
    public void Oracle_logons_are_found(string form, string value)
    {
        string text = Fill(form);
        value = Fill(value);
        AssertFoundExactly(text, value);
        AssertFoundExactly(InModelRequest(text), value);
    }

    [Theory]
    [InlineData("vault login s.Wint3rQ7xmPz9kLr2024abcd\n", "s.Wint3rQ7xmPz9kLr2024abcd")]
    [InlineData("java -jar jenkins-cli.jar -s https://ci.example.com/ -auth admin:11e8f0c3a5d7b9f1e3c5a7d9b1f3e5c7a9 build deploy\n", "11e8f0c3a5d7b9f1e3c5a7d9b1f3e5c7a9")]
    public void Tokens_of_vault_login_and_jenkins_cli_are_found(string text, string value)
    {
        AssertFoundExactly(text, value);
        AssertFoundExactly(InModelRequest(text), value);
    }

    [Theory]
    [InlineData("ipmitool -I lanplus -H 10.0.0.9 -U admin -P {1} chassis status\n")]
    [InlineData("ipmitool -I lanplus -H 10.0.0.9 -U admin -P '{1}' power on\n")]
    [InlineData("bcp dbo.Orders out orders.dat -S db01 -U sa -P {1} -c\n")]
    [InlineData("mosquitto_pub -h mqtt.example.com -u dev -P '{1}' -t t -m hi\n")]
    [InlineData("p4 -u alice -P {1} sync\n")]
    [InlineData("racadm -r 10.0.0.9 -u root -p {1} getsysinfo\n")]
    [InlineData("rdesktop -u alice -p '{1}' 10.0.0.7\n")]
    [InlineData("cqlsh -u cassandra -p {1} db01\n")]
    [InlineData("dotnet nuget add source https://pkgs.example.com/index.json -n corp -u alice -p {1} --store-password-in-clear-text\n")]
    [InlineData("snmpwalk -v3 -l authPriv -u mon -a SHA -A '{1}' -x AES -X Priv8Q7xmPz9kLr2024 10.0.0.1\n")]
    [InlineData("openssl enc -aes-256-cbc -k {1} -in a -out a.enc\n")]
    [InlineData("pscp -pw {1} file.txt alice@10.0.0.5:/tmp/\n")]
    [InlineData("plink -ssh alice@10.0.0.5 -pw '{1}' uptime\n")]
    [InlineData("dsadd user cn=svc,ou=Service,dc=corp,dc=example -pwd {1} -mustchpwd no\n")]
    [InlineData("nmcli device wifi connect HomeNet password '{0}'\n")]
    public void Password_options_of_more_tools_are_found(string form) => AssertFormFound(form);

    [Theory]
    [InlineData("ldapsearch -x -D 'cn=admin,dc=example,dc=com' -w {1} -b dc=example,dc=com\n")]
    [InlineData("xfreerdp /u:alice /p:{1} /v:10.0.0.7\n")]
    public void Earlier_forms_are_found_after_a_prompt(string form) => AssertFormFound(form);

    [Theory]
    [InlineData("$ net user alice {1} /add\n")]
    [InlineData("# net user alice {1} /add\n")]
    [InlineData("PS C:\\Users\\admin> net user alice {1} /add\n")]
    [InlineData("PS> net user alice {1} /add\n")]
    [InlineData("C:\\> net user alice {1} /add\n")]
    [InlineData("root@web-01:/srv# rabbitmqctl add_user admin {1}\n")]
    public void Commands_after_shell_prompts_are_found(string text) => AssertFoundExactly(Fill(text), Long);

    [Theory]
    [InlineData("net user alice /add\n")]
    [InlineData("net user alice * /add\n")]
    [InlineData("net user $USERNAME $NEWPASSWORD_FROM_VAULT /add\n")]
    [InlineData("net user alice /delete\n")]
    [InlineData("net use Z: \\\\fs01\\share /persistent:yes\n")]
    [InlineData("net use \\\\fs01\\IPC$ \"\" /user:\"\"\n")]
    [InlineData("smbclient //fs01/share -N -c 'ls'\n")]
    [InlineData("smbclient -L //fs01 -U alice\n")]
    [InlineData("vault login -method=github token=$GITHUB_TOKEN\n")]
    [InlineData("vault login $VAULT_TOKEN_FROM_CI_PIPELINE\n")]
    [InlineData("rabbitmqctl add_user admin changeme_please_now\n")]
    [InlineData("rabbitmqctl add_user \"$RABBIT_USER\" \"$RABBIT_PASSWORD\"\n")]
    [InlineData("wpa_passphrase HomeNetwork_5GHz_Upstairs\n")]
    [InlineData("sqlplus / as sysdba\n")]
    [InlineData("sqlplus scott/tiger@orcl\n")]
    [InlineData("sqlplus \"${DB_USER}/${DB_PASSWORD}@${DB_CONNECT_STRING}\"\n")]
    [InlineData("sqlplus -s /nolog @scripts/install_schema_v2.sql\n")]
    [InlineData("rman target / catalog rcat/$RCAT_PASSWORD@rcatdb\n")]
    [InlineData("rclone config create gdrive drive client_id 123456789012-abcdefghijklmnop.apps.googleusercontent.com\n")]
    [InlineData("rclone config create s3 s3 env_auth true region eu-west-1\n")]
    [InlineData("mkpasswd -m sha-512 --stdin < passwords_to_hash.txt\n")]
    [InlineData("java -jar jenkins-cli.jar -s https://ci.example.com/ -auth @/var/lib/jenkins/cli-token build x\n")]
    [InlineData("java -jar jenkins-cli.jar -auth $JENKINS_USER:$JENKINS_API_TOKEN_VALUE build x\n")]
    [InlineData("ipmitool -I lanplus -H 10.0.0.9 -U admin -P \"$IPMI_PASSWORD_FROM_VAULT\" sel list\n")]
    [InlineData("openssl enc -d -aes-256-cbc -kfile /etc/keys/backup_encryption.key -in a.enc\n")]
    [InlineData("pscp -pw $PUTTY_PASSWORD_FROM_ENV file.txt alice@10.0.0.5:/tmp/\n")]
    [InlineData("docker run --rm -v /srv/ftp:/data ftp-backup-runner-image-v20241107\n")]
    [InlineData("The target environment_production_eu_west should be set before deploying.\n")]
    [InlineData("Log in as the user alice Wint3rQ7xmPz9kLr2024 is not a password here: no ftp or net around.\n")]
    [InlineData("$ ls -la /var/lib/docker/volumes/registry_data_0123456789\n")]
    public void Look_alikes_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Fact]
    public void The_new_shapes_cut_and_spliced_never_throw()
    {
        string[] shapes =
        [
            Fill("net user alice {1} /add; net use \\\\fs01\\s {1}; smbclient //fs01/s '{1}'\n"),
            Fill("rabbitmqctl add_user a {1}; wpa_passphrase N {1}; vault login s.{1}abcd\n"),
            Fill("sqlplus -s sys/{1}@db; rman target sys/{1}@p; mkpasswd -m sha-512 {1}\n"),
            Fill("ftp\nuser alice {1}\n-auth admin:{1} jenkins-cli; pscp -pw '{1}'; dsadd -pwd {1}\n"),
            Fill("$ ipmitool -P {1}; PS C:\\> snmpwalk -A {1}; root@h:~# openssl enc -k {1}\n"),
        ];
        ScanCutAndSpliced(shapes, ['\n', '"', '\\', ' ', '/', '@', '$', '\'']);
    }
}
