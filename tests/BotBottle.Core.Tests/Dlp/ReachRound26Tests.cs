using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;
using static BotBottle.Tests.Dlp.PasswordForms;

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
    /// <summary>Each form also after a transcript's prompt (r26 reads past prompts).</summary>
    private static void AssertFormFound(string form) => PasswordForms.AssertFormFound(form, afterPrompt: true);

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

    [Theory]
    [InlineData("The ftp server logs every session.\nuser alice 3f2b8c1e-9d4a-4e7b-a1c2-5d6e7f8a9b0c uploaded report.pdf\n")]
    [InlineData("ftp> ls\ndrwxr-xr-x 2 ftp ftp 4096 Nov 03 10:00 pub\nuser ftp 5d41402abc4b2a76b9719d911017c592 checksum of pub/hello.txt\n")]
    [InlineData("from ftplib import FTP\nhost = \"ftp.example.com\"\nuser = \"3f2b8c1e-9d4a-4e7b-a1c2-5d6e7f8a9b0c\"\n")]
    [InlineData("# ftp upload job\nuser = \"svc-a1B2c3D4e5F6g7H8\"\n")]
    [InlineData("from ftplib import FTP_TLS\nftps = FTP_TLS(\"ftp.example.com\")\nuser = \"ci-uploader-7f3a9b2c4d1e\"\nftps.login(user, os.environ[\"FTP_PASSWORD\"])\n")]
    [InlineData("The SFTP server accepts key auth only.\nUser alice 9f86d081884c7d659a2feaa0c55ad015 fingerprint\n")]
    [InlineData("smbclient //fs01/share 4f3c2b1a-9e8d-4c7b-a6f5-0e1d2c3b4a59 -U alice\n")] // a UUID: an id
    [InlineData("mvn -Prelease-profile-with-signing deploy\n")]
    [InlineData("echo done > /tmp/out; LANG=C ls -la /var/lib/docker/volumes/registry_data_0123456789\n")]
    public void Review_false_positives_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("net user bob  {1} /add\n")]
    [InlineData("racadm -r 10.0.0.2 -u root -p  {1} getsysinfo\n")]
    [InlineData("[root@web01 ~]# vault login {1}\n")]
    [InlineData("bash-5.1$ rabbitmqctl add_user bob {1}\n")]
    [InlineData("(venv) alice@web01:~$ smbclient //fs01/share {1} -U bob\n")]
    [InlineData("C:\\Program Files\\Tools> net user bob {1} /add\n")]
    [InlineData("\u276F vault login {1}\n")]
    [InlineData("FROM ubuntu:22.04\nRUN net user bob {1} /add\n")]
    [InlineData("steps:\n  - name: setup\n    run: vault login {1}\n")]
    [InlineData("script:\n  - rabbitmqctl add_user bob {1}\n")]
    [InlineData("1. smbclient //fs01/share {1} -U bob\n")]
    [InlineData("VAULT_ADDR=https://vault:8200 vault login {1}\n")]
    [InlineData("sudo -u rabbitmq rabbitmqctl add_user bob {1}\n")]
    [InlineData("nohup vault login {1}\n")]
    [InlineData("docker exec -it vault vault login {1}\n")]
    [InlineData("kubectl exec -it rmq-0 -- rabbitmqctl add_user bob {1}\n")]
    [InlineData("cmd /c \"net user bob {1} /add\"\n")]
    [InlineData("powershell -c \"net user bob {1} /add\"\n")]
    [InlineData("/usr/bin/smbclient //fs01/share {1} -U bob\n")]
    [InlineData("net user \"John Doe\" {1} /add\n")]
    [InlineData("wpa_passphrase \"Home Net\" {1}\n")]
    [InlineData("net use Z: \\\\fs01\\share /u:CORP\\bob {1}\n")]
    [InlineData("vault login -no-print {1}\n")]
    [InlineData("vault login -method=token -address=https://vault:8200 {1}\n")]
    [InlineData("sqlplus -S -L scott/{1}@orcl\n")]
    [InlineData("sqlldr userid=scott/{1}@orcl control=load.ctl\n")]
    [InlineData("rman TARGET sys/{1}@prod\n")]
    [InlineData("SQL> conn scott/{1}@orcl\n")]
    [InlineData("rclone obscure {1}\n")]
    [InlineData("nmcli connection modify HomeNet wifi-sec.psk {1}\n")]
    [InlineData("mkpasswd -msha-512 {1}\n")]
    [InlineData("java -jar cli.jar -s http://ci:8080/ -auth admin:{1} who-am-i\n")]
    [InlineData("java -jar jenkins-cli.jar -auth 'admin:{1}' who-am-i\n")]
    [InlineData("bcp dbo.T out t.dat -S sql01 -U sa -P{1} -c\n")]
    [InlineData("ftp -n h <<EOF\n  user bob {1}\nbye\nEOF\n")]
    [InlineData("ftp -n h <<EOF\nUSER bob '{1}'\nbye\nEOF\n")]
    [InlineData("ftp> user bob {1}\n")]
    [InlineData("racadm.exe -r 10.0.0.2 -u root -p {1} getsysinfo\n")]
    [InlineData("/usr/bin/openssl enc -aes-256-cbc -k {1} -in a -out b\n")]
    [InlineData("Run this: net user bob {1} /add\n")]
    [InlineData("I ran: sqlplus -s scott/{1}@orcl\n")]
    [InlineData("Command: ipmitool -I lanplus -H 10.0.0.9 -U ADMIN -P {1} power status\n")]
    public void Review_bypasses_are_found(string form)
    {
        string text = Fill(form);
        AssertFoundExactly(text, Long);
        AssertFoundExactly(InModelRequest(text), Long);
    }

    [Theory]
    [InlineData("net user bob\t{1} /add\n")]
    [InlineData("ipmitool -I lanplus -H 10.0.0.9 -U ADMIN -P\t{1} power status\n")]
    public void A_raw_tab_before_the_value_is_read_as_a_blank(string form) => AssertFoundExactly(Fill(form), Long); // a JSON-escaped \t joins the run: left

    [Fact]
    public void A_windows_path_to_net_exe_inside_a_json_string_is_read() // raw, "System32\net.exe" holds "\n": read as an escaped line break, left
        => AssertFoundExactly(InModelRequest(Fill("C:\\Windows\\System32\\net.exe user bob {1} /add\n")), Long);

    [Fact]
    public void Review_bypass_jenkins_auth_with_json_escaped_quotes_is_found() =>
        AssertFoundExactly("{\"command\": \"java -jar jenkins-cli.jar -s http://ci/ -auth \\\"admin:" + Long + "\\\" who-am-i\"}", Long);

    [Theory]
    [InlineData("#  password = 'x'\n")] // a prompt-like "# " with nothing after it once stripped (the r26 file sweep's crash)
    [InlineData("$  password Wq7#mZ2!kR9x\n")]
    [InlineData("> \tpassword x\n")]
    [InlineData("RUN - 1. password x\n")]
    [InlineData("sudo -u  password x\n")]
    [InlineData("docker exec -it password x\n")]
    public void Command_prefixes_that_leave_nothing_never_throw(string text) => _ = Scan(text);

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
            Fill("[root@h ~]# RUN - 1. LANG=C sudo -u x docker exec -it c -- cmd /c \"net user \"J D\" {1}\"; sqlldr userid=a/{1}@d\n"),
        ];
        ScanCutAndSpliced(shapes, ['\n', '"', '\\', ' ', '/', '@', '$', '\'']);
    }
}
