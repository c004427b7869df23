using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;
using static BotBottle.Tests.Dlp.PasswordForms;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The r25 reach round of issue 16: passwords on the command lines of administration tools that 258d171 read past —
/// PowerShell's one-dash parameters (<c>Invoke-Sqlcmd -Password '…'</c>), keytool's and jarsigner's <c>-storepass</c> /
/// <c>-keypass</c>, programs that read a password from standard input (<c>chpasswd</c>, <c>passwd --stdin</c>,
/// <c>vncpasswd -f</c>), fish's <c>set -gx NAME VALUE</c>, XML elements with attributes (FileZilla's <c>&lt;Pass
/// encoding="base64"&gt;</c>), PsExec/ncftp <c>-p</c>, <c>mongosh "uri" -p</c>, Samba's <c>-U user%password</c>,
/// <c>lftp -u user,password</c>, FreeRDP's <c>/p:</c>, <c>schtasks /rp</c>, <c>REDISCLI_AUTH=</c> and
/// <c>ALGOLIA_ADMIN_KEY</c> — with the look-alikes that must stay quiet.
/// </summary>
public sealed class ReachRound25Tests
{
    [Theory]
    [InlineData("Invoke-Sqlcmd -ServerInstance db01 -Username sa -Password '{0}' -Query 'select 1'\n")]
    [InlineData("Connect-VIServer -Server vc01.corp.example -User admin -Password \"{0}\"\n")]
    [InlineData("Invoke-Sqlcmd -ServerInstance db01 -Username sa -Password {0}\n")]
    [InlineData("Publish-Module -Name Tools -NuGetApiKey {1}\n")]
    [InlineData("keytool -genkeypair -keystore release.jks -storepass {0} -alias app\n")]
    [InlineData("keytool -importkeystore -srckeystore a.p12 -srcstorepass {0} -destkeystore b.jks\n")]
    [InlineData("jarsigner -keystore release.jks -storepass '{0}' app.jar release\n")]
    public void One_dash_password_parameters_are_found(string form) => AssertFormFound(form);

    [Theory]
    [InlineData("Invoke-Sqlcmd -ServerInstance <String> -Username <String> -Password <String>\n")]
    [InlineData("Invoke-Sqlcmd -ServerInstance $server -Username $user -Password $password -Query $q\n")]
    [InlineData("Publish-Module -Name MyModule -NuGetApiKey $env:PSGALLERY_API_KEY\n")]
    [InlineData("Publish-Module -Name MyModule -NuGetApiKey \"${{ secrets.PSGALLERY_KEY }}\"\n")]
    [InlineData("New-LocalUser -Name alice -Password (Read-Host -AsSecureString \"Enter password\")\n")]
    [InlineData("keytool -list -keystore cacerts -storepass changeit\n")] // the JDK's default truststore password
    [InlineData("keytool -genkey -v -keystore debug.keystore -storepass android -alias androiddebugkey -keypass android\n")] // Android's debug keystore
    [InlineData("keytool -importcert -file ca.crt -keystore truststore.jks -storepass:env TRUSTSTORE_PASSWORD\n")]
    [InlineData("jarsigner -keystore $KEYSTORE -storepass \"$STORE_PASS\" app.jar release\n")]
    [InlineData("Usage: keytool -storepass <arg> -keypass <arg>\n")]
    [InlineData("  -Password <SecureString>\n      Specifies the password for the account.\n")]
    [InlineData("The token is required. Use -Token to pass it, or -Password for basic auth.\n")]
    public void One_dash_parameter_look_alikes_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("echo 'alice:{0}' | chpasswd\n")]
    [InlineData("chpasswd <<< 'deploy:{0}'\n")]
    [InlineData("echo \"{0}\" | passwd --stdin alice\n")]
    [InlineData("vncpasswd -f <<< '{0}' > ~/.vnc/passwd\n")]
    [InlineData("echo '{0}' | vncpasswd -f > ~/.vnc/passwd\n")]
    public void Passwords_fed_to_programs_that_read_them_from_stdin_are_found(string form) => AssertFormFound(form);

    [Theory]
    [InlineData("echo \"$USER:$PASS\" | chpasswd\n")]
    [InlineData("echo 'root:root' | chpasswd\n")]
    [InlineData("echo \"${user}:${password}\" | chpasswd\n")]
    [InlineData("echo \"$NEWPASS\" | passwd --stdin alice\n")]
    public void Stdin_program_look_alikes_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("set -gx PASSWORD {0}\n")]
    [InlineData("set -x GITHUB_TOKEN {1}\n")]
    [InlineData("$ set -Ux OPENAI_API_KEY {1}\n")]
    public void Fish_set_is_found(string form) => AssertFormFound(form);

    [Theory]
    [InlineData("set -x PATH /usr/local/bin $PATH\n")]
    [InlineData("set -e GITHUB_TOKEN\n")]
    [InlineData("set -q GITHUB_TOKEN; or set -gx GITHUB_TOKEN (gh auth token)\n")]
    [InlineData("set password [exec cat /etc/app/secret]\n")] // Tcl: a command substitution
    [InlineData("set -gx API_TOKEN $api_token_from_vault\n")]
    [InlineData("set -e API_TOKEN Wq7mZ2kR9xLp4Tn8\n")] // erase takes names, not a value
    public void Fish_set_look_alikes_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("<Server><Host>ftp.example.com</Host><User>alice</User><Pass encoding=\"base64\">V3E3I21aMiFrUjl4</Pass></Server>\n", "V3E3I21aMiFrUjl4")] // FileZilla sitemanager.xml
    [InlineData("<password type=\"plain\">Wq7#mZ2!kR9x</password>\n", "Wq7#mZ2!kR9x")]
    public void Xml_elements_with_attributes_are_found(string text, string value)
    {
        AssertFoundExactly(text, value);
        AssertFoundExactly(InModelRequest(text), value);
    }

    [Theory]
    [InlineData("<password type=\"string\" />\n")]
    [InlineData("<Pass encoding=\"base64\" />\n")]
    [InlineData("<password required=\"true\">${env.DB_PASSWORD}</password>\n")]
    [InlineData("<token type=\"bearer\">{{ .Values.token }}</token>\n")]
    [InlineData("<password xsi:nil=\"true\"></password>\n")]
    public void Xml_attribute_look_alikes_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("psexec \\\\host01 -u CORP\\alice -p {1} cmd /c whoami\n")]
    [InlineData("ncftpput -u alice -p {1} ftp.example.com /incoming file.tgz\n")]
    [InlineData("mongosh \"mongodb://db01:27017/admin\" -u admin -p {1}\n")]
    [InlineData("smbclient //fs01/share -U alice%{1} -c 'ls'\n")]
    [InlineData("smbclient //fs01/share --user=CORP\\alice%{1}\n")]
    [InlineData("rpcclient -U 'CORP\\admin%{1}' 10.0.0.5\n")]
    [InlineData("lftp -u alice,{1} sftp://files.example.com\n")]
    [InlineData("xfreerdp /v:10.0.0.5 /u:alice /p:{1} /cert:ignore\n")]
    [InlineData("schtasks /create /tn backup /ru CORP\\svc /rp {1} /tr backup.cmd\n")]
    [InlineData("SCHTASKS /Create /TN x /RU admin /RP {1} /TR c.cmd\n")]
    [InlineData("export REDISCLI_AUTH={1}\n")]
    public void Run_start_command_passwords_are_found(string form) => AssertFormFound(form);

    [Theory]
    [InlineData("smbclient -L fs01 -U guest%\n")]
    [InlineData("smbclient //fs01/share -U alice%$SMB_PASSWORD_FROM_ENV_VAR\n")]
    [InlineData("lftp -u anonymous, ftp://ftp.debian.org\n")]
    [InlineData("lftp -u alice,${LFTP_PASSWORD_ENVIRONMENT} sftp://x\n")]
    [InlineData("mongosh \"mongodb://localhost:27017\" -u admin -p\n")]
    [InlineData("xfreerdp /v:host /u:alice /p:$RDP_PASSWORD_FROM_VAULT\n")]
    [InlineData("schtasks /create /tn x /ru SYSTEM /rp * /tr a.cmd\n")]
    [InlineData("REDISCLI_AUTH=$REDIS_PASSWORD_FROM_SECRET redis-cli ping\n")]
    [InlineData("printf(\"%sabcdefghijklmnopqrstu\", x);\n")]
    [InlineData("name,email,abcdefghijklmnopqrstuvwx\n")]
    [InlineData("git log -u alice,Wint3rQ7xmPz9kLr2024\n")] // -u user,… is lftp's
    [InlineData("https://example.com/?q=a%2Fbcdefghijklmnopqrstuvwxyz\n")]
    public void Run_start_command_look_alikes_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("mysqladmin -u root password '{0}'\n")]
    [InlineData("rabbitmqctl change_password alice '{0}'\n")]
    [InlineData("redis-cli CONFIG SET requirepass \"{0}\"\n")]
    [InlineData("bind 127.0.0.1\nrequirepass {0}\n")] // redis.conf
    [InlineData("openssl passwd -6 -salt xyz '{0}'\n")]
    [InlineData("spawn ssh admin@10.0.0.5\nexpect \"password:\"\nsend \"{0}\\r\"\n")] // Expect
    [InlineData("echo -e \"{0}\\n{0}\" | passwd root\n")]
    [InlineData("printf '{0}\\n{0}\\n' | smbpasswd -a -s alice\n")]
    [InlineData("RUN echo \"root:{0}\" | chpasswd\n")] // a Dockerfile
    [InlineData("Set-ADAccountPassword -Identity alice -Reset -NewPassword (ConvertTo-SecureString -AsPlainText '{0}' -Force)\n")]
    [InlineData("curl --proxy-user alice:{0} -x http://proxy.corp.example:3128 https://api.example.com/v1\n")]
    [InlineData("curl -U 'alice:{0}' -x proxy:3128 https://api.example.com/v1\n")]
    public void Administration_commands_with_a_positional_password_are_found(string form) => AssertFormFound(form);

    [Fact]
    public void A_subshell_echoing_the_password_twice_into_smbpasswd_is_found()
    {
        string text = Fill("(echo '{0}'; echo '{0}') | smbpasswd -s -a alice\n");
        foreach (string body in new[] { text, InModelRequest(text) })
        {
            var found = Assert.Single(Assignments(body));
            Assert.Equal((body.LastIndexOf(Short, StringComparison.Ordinal), Short.Length), (found.Start, found.Length)); // the last echo's
        }
    }

    [Theory]
    [InlineData("# requirepass foobared\n")] // redis.conf's commented example
    [InlineData("requirepass <password>\n")]
    [InlineData("mysqladmin -u root -p password \"$NEW_ROOT_PASSWORD\"\n")]
    [InlineData("openssl passwd -6 -stdin < pw.txt\n")]
    [InlineData("openssl passwd -1 -salt abc password\n")]
    [InlineData("expect \"password:\"\nsend \"$password\\r\"\n")]
    [InlineData("expect \"Password:\"\nsend -- \"$env(SSH_PASS)\\r\"\n")]
    [InlineData("expect \"Enter password\"\nsend \"yes\\r\"\n")]
    [InlineData("echo -e \"$PW\\n$PW\" | passwd root\n")]
    [InlineData("echo 'Wq7#mZ2!kR9x' | passwd alice\n")] // once: not the prompt and its confirmation
    [InlineData("echo 'Wq7#mZ2!kR9x' | grep -c x; passwd --stdin alice\n")] // the pipe feeds grep
    [InlineData("(echo \"$PW\"; echo \"$PW\") | smbpasswd -s -a alice\n")]
    [InlineData("rabbitmqctl change_password alice \"$RABBIT_PASSWORD\"\n")]
    [InlineData("Set-ADAccountPassword -Identity alice -Reset -NewPassword (ConvertTo-SecureString -AsPlainText $pw -Force)\n")]
    [InlineData("curl --proxy-user \"$PROXY_USER:$PROXY_PASS\" -x proxy:3128 https://api.example.com/v1\n")]
    [InlineData("curl -U alice -x proxy:3128 https://api.example.com/v1\n")] // prompts for the password
    public void Administration_command_look_alikes_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Fact]
    public void Algolia_admin_key_is_found_and_its_search_key_is_not()
    {
        const string Key = "3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c";
        AssertFoundExactly("ALGOLIA_ADMIN_KEY=" + Key + "\n", Key);
        Assert.Empty(Assignments("ALGOLIA_SEARCH_KEY=" + Key + "\n"));
        Assert.Empty(Assignments("NEXT_PUBLIC_ALGOLIA_KEY=" + Key + "\n"));
    }

    [Theory]
    [InlineData("msbuild C:\\src\\freerdp\\build\\FreeRDP.sln /p:Configuration=Release /p:Platform=x64 /p:WindowsTargetPlatformVersion=10.0.22621.0\n")]
    [InlineData("msbuild freerdp.sln /p:VcpkgInstalledDir=C:/vcpkg_installed/x64-windows\n")]
    [InlineData("127.0.0.1:6379> set session_token 1a2b3c4d5e6f\n")] // redis-cli's prompt: its own set
    [InlineData("<token kind=\"NUMBER\" line=\"12\">3.14159e10</token>\n")] // a lexer's token dump
    [InlineData("<token type=\"sha\">4f2a9c1e</token>\n")]
    [InlineData("<Token Kind=\"Literal\">0x7FFF_FFFF_E0</Token>\n")]
    [InlineData("<Password Condition=\"'$(CI)'=='true'\">release-2024.1</Password>\n")]
    [InlineData("<secret key=\"db.password\" provider=\"vault\">secret/data/prod/db#password</secret>\n")]
    [InlineData("<password encoding=\"base64\">cGFzc3dvcmQ=</password>\n")] // base64 of "password"
    public void Review_false_positives_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("smbclient //fs01/share -U alice%9fK2pQ9wR4tY6uI1oZ3xaG\n", "9fK2pQ9wR4tY6uI1oZ3xaG")] // a first character that is a hex digit
    [InlineData("smbclient //fs01/share -Ualice%aG7hK2pQ9wR4tY6uI1oZ3x\n", "aG7hK2pQ9wR4tY6uI1oZ3x")] // the option glued to its argument
    [InlineData("set -gx GITHUB_TOKEN aG7hK2pQ9wR4tY6uI1oZ3x\n", "aG7hK2pQ9wR4tY6uI1oZ3x")] // a lower-case first letter after an option cluster
    [InlineData("set -gx DB_PASSWORD x7#Kp2!qLm9Z\n", "x7#Kp2!qLm9Z")]
    [InlineData("runcmd:\n  - echo 'ubuntu:x7#Kp2!qLm9Z' | chpasswd\n", "x7#Kp2!qLm9Z")] // cloud-init
    [InlineData("- name: set password\n  shell: echo 'deploy:x7#Kp2!qLm9Z' | chpasswd\n", "x7#Kp2!qLm9Z")] // Ansible
    [InlineData("Invoke-Sqlcmd -ServerInstance db01 -Password\t'x7#Kp2!qLm9Z'\n", "x7#Kp2!qLm9Z")] // a tab after the parameter
    [InlineData("port 6379\nrequirepass x7#Kp2!qLm9Z\n", "x7#Kp2!qLm9Z")] // a lower-case first letter: the line reads like prose
    public void Review_bypasses_are_found(string text, string value)
    {
        AssertFoundExactly(text, value);
        AssertFoundExactly(InModelRequest(text), value);
    }

    [Theory]
    [InlineData("ALGOLIA_ADMIN_KEY")]
    [InlineData("MASTER_KEY")]
    [InlineData("SENDGRID_KEY")]
    public void Key_names_after_an_escaped_line_break_in_a_json_string_are_found(string name)
    {
        const string Key = "3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c";
        AssertFoundExactly("{\"env\": \"APP=web\\n" + name + "=" + Key + "\\n\"}", Key);
    }

    [Fact]
    public void The_new_shapes_cut_and_spliced_never_throw()
    {
        string[] shapes =
        [
            Fill("Invoke-Sqlcmd -Password '{0}' -storepass {0}\n"),
            Fill("echo 'alice:{0}' | chpasswd; vncpasswd -f <<< '{0}'\n"),
            Fill("set -gx PASSWORD {0}\n"),
            "<Pass encoding=\"base64\">V3E3I21aMiFrUjl4</Pass>\n",
            Fill("mongosh \"mongodb://db01\" -u admin -p {1}; smbclient -U 'a%{1}'; lftp -u a,{1} x\n"),
            Fill("xfreerdp /p:{1}; schtasks /rp {1}; REDISCLI_AUTH={1}\n"),
        ];
        ScanCutAndSpliced(shapes, ['\n', '"', '\\', '%', ',', '/', ':', ' ']);
    }
}
