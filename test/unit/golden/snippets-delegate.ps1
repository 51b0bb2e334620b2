# ==== prerequisites.adminRights action
# Connect a remote Exchange Management Shell from a domain-joined Windows machine (Kerberos).
# Use the server's fully qualified name: Kerberos needs the name its service principal is registered under.
# pwsh on Linux or macOS has no WSMan client, so this remote session needs Windows.
# On an Exchange server itself, load the local shell instead:
# . "$env:ExchangeInstallPath\bin\RemoteExchange.ps1"; Connect-ExchangeServer -auto
$ecsSession = New-PSSession -ConfigurationName Microsoft.Exchange -ConnectionUri 'http://EXCH01/PowerShell/' -Authentication Kerberos
Import-PSSession $ecsSession -DisableNameChecking
# ---- prompt line
$ecsSession = New-PSSession -ConfigurationName Microsoft.Exchange -ConnectionUri 'http://EXCH01/PowerShell/' -Authentication Kerberos; Import-PSSession $ecsSession -DisableNameChecking
# ==== prerequisites.adminRights verify
# Lists the management roles assigned to you (directly or through role groups such as Organization Management).
# Organization Management has every role the later steps need (Mail Recipient Creation, Mail Recipients, Role Management, Exchange Virtual Directories, Active Directory Permissions, Exchange Server Certificates).
$ecsMe = [System.Security.Principal.WindowsIdentity]::GetCurrent().Name
$ecsRoles = @(Get-ManagementRoleAssignment -RoleAssignee $ecsMe -Delegating:$false | Where-Object { $_.Enabled } | ForEach-Object { [string]$_.Role } | Sort-Object -Unique)
# For each cmdlet the later steps run, the roles that grant it (Microsoft: "Find the permissions required to run any Exchange cmdlet").
$ecsCmdlets = @(@('Get-ExchangeCertificate', 'Set-WebServicesVirtualDirectory', 'New-Mailbox', 'Remove-Mailbox', 'Set-CASMailbox', 'New-ManagementScope', 'Remove-ManagementScope', 'New-ManagementRoleAssignment', 'Remove-ManagementRoleAssignment', 'Add-MailboxPermission', 'Remove-MailboxPermission', 'Add-ADPermission', 'Remove-ADPermission') | ForEach-Object { [pscustomobject]@{ Cmdlet = $_; Roles = @(Get-ManagementRole -Cmdlet $_ | ForEach-Object { [string]$_.Name }) } })
Write-Output ('ECS-BEGIN ' + 'prerequisites.adminRights')
ConvertTo-Json -Compress -Depth 4 -InputObject @([pscustomobject]@{ User = [string]$ecsMe; Roles = $ecsRoles; Required = @('Mail Recipient Creation', 'Mail Recipients', 'Role Management', 'Exchange Virtual Directories', 'Active Directory Permissions', 'Exchange Server Certificates'); Cmdlets = $ecsCmdlets })
Write-Output ('ECS-END ' + 'prerequisites.adminRights')
# ---- prompt line
$ecsMe = [System.Security.Principal.WindowsIdentity]::GetCurrent().Name; $ecsRoles = @(Get-ManagementRoleAssignment -RoleAssignee $ecsMe -Delegating:$false | Where-Object { $_.Enabled } | ForEach-Object { [string]$_.Role } | Sort-Object -Unique); $ecsCmdlets = @(@('Get-ExchangeCertificate', 'Set-WebServicesVirtualDirectory', 'New-Mailbox', 'Remove-Mailbox', 'Set-CASMailbox', 'New-ManagementScope', 'Remove-ManagementScope', 'New-ManagementRoleAssignment', 'Remove-ManagementRoleAssignment', 'Add-MailboxPermission', 'Remove-MailboxPermission', 'Add-ADPermission', 'Remove-ADPermission') | ForEach-Object { [pscustomobject]@{ Cmdlet = $_; Roles = @(Get-ManagementRole -Cmdlet $_ | ForEach-Object { [string]$_.Name }) } }); Write-Output ('ECS-BEGIN ' + 'prerequisites.adminRights'); ConvertTo-Json -Compress -Depth 4 -InputObject @([pscustomobject]@{ User = [string]$ecsMe; Roles = $ecsRoles; Required = @('Mail Recipient Creation', 'Mail Recipients', 'Role Management', 'Exchange Virtual Directories', 'Active Directory Permissions', 'Exchange Server Certificates'); Cmdlets = $ecsCmdlets }); Write-Output ('ECS-END ' + 'prerequisites.adminRights')
# ==== prerequisites.adminRights rollback
# Closes the remote session opened above.
Remove-PSSession $ecsSession
# ---- prompt line
Remove-PSSession $ecsSession
# ==== prerequisites.exchangeVersion action
# Nothing to change here: the check reads the version of every Exchange server.
# 15.0 = 2013, 15.1 = 2016, 15.2 = 2019 (build 2562 and later = Subscription Edition); 14.x = 2010 is too old.
# Only Subscription Edition is supported: 2013 left support on 2023-04-11, 2016 and 2019 on 2025-10-14.
# ---- prompt line
# (no statements)
# ==== prerequisites.exchangeVersion verify
# Every Exchange server with its version as text, e.g. "Version 15.2 (Build 1544.4)".
Write-Output ('ECS-BEGIN ' + 'prerequisites.exchangeVersion')
ConvertTo-Json -Compress -Depth 4 -InputObject @(Get-ExchangeServer | ForEach-Object { [pscustomobject]@{ Name = [string]$_.Name; AdminDisplayVersion = [string]$_.AdminDisplayVersion; ServerRole = [string]$_.ServerRole } })
Write-Output ('ECS-END ' + 'prerequisites.exchangeVersion')
# ---- prompt line
Write-Output ('ECS-BEGIN ' + 'prerequisites.exchangeVersion'); ConvertTo-Json -Compress -Depth 4 -InputObject @(Get-ExchangeServer | ForEach-Object { [pscustomobject]@{ Name = [string]$_.Name; AdminDisplayVersion = [string]$_.AdminDisplayVersion; ServerRole = [string]$_.ServerRole } }); Write-Output ('ECS-END ' + 'prerequisites.exchangeVersion')
# ==== prerequisites.exchangeVersion rollback
# Nothing to undo: this step only reads.
# ---- prompt line
# (no statements)
# ==== prerequisites.certificate action
# Nothing to change from here: a certificate from a public CA is requested and assigned outside this procedure
# (New-ExchangeCertificate, then Import-ExchangeCertificate and Enable-ExchangeCertificate -Services IIS).
# The calendar service connects from the internet and trusts only public roots; a self-signed certificate fails.
# Behind a load balancer every server serves the EWS name: each one needs the certificate.
# ---- prompt line
# (no statements)
# ==== prerequisites.certificate verify
# For every server with an EWS virtual directory, the certificate(s) assigned to IIS there: subject, issuer, expiry (ISO 8601, UTC),
# self-signed or not, names covered, the kind of root (RootCAType: ThirdParty is a public CA) and the status Exchange computed
# (Status: Valid, Untrusted, ...). A server that cannot be read is printed with its error.
# Run it in the Exchange Management Shell on a server: through a remote session RootCAType and Status may come back empty.
Write-Output ('ECS-BEGIN ' + 'prerequisites.certificate')
ConvertTo-Json -Compress -Depth 6 -InputObject @(foreach ($ecsServer in @(Get-WebServicesVirtualDirectory -ADPropertiesOnly | ForEach-Object { [string]$_.Server } | Sort-Object -Unique)) { $ecsErrors = $null; $ecsCertificates = @(Get-ExchangeCertificate -Server $ecsServer -ErrorAction SilentlyContinue -ErrorVariable ecsErrors | Where-Object { [string]$_.Services -match 'IIS' }); [pscustomobject]@{ Server = $ecsServer; Error = [string]($ecsErrors | Select-Object -First 1); Certificates = @($ecsCertificates | ForEach-Object { [pscustomobject]@{ Thumbprint = [string]$_.Thumbprint; Subject = [string]$_.Subject; Issuer = [string]$_.Issuer; NotAfter = $_.NotAfter.ToUniversalTime().ToString('o'); IsSelfSigned = [bool]$_.IsSelfSigned; RootCAType = [string]$_.RootCAType; Status = [string]$_.Status; Domains = @($_.CertificateDomains | ForEach-Object { [string]$_ }) } }) } })
Write-Output ('ECS-END ' + 'prerequisites.certificate')
# ---- prompt line
Write-Output ('ECS-BEGIN ' + 'prerequisites.certificate'); ConvertTo-Json -Compress -Depth 6 -InputObject @(foreach ($ecsServer in @(Get-WebServicesVirtualDirectory -ADPropertiesOnly | ForEach-Object { [string]$_.Server } | Sort-Object -Unique)) { $ecsErrors = $null; $ecsCertificates = @(Get-ExchangeCertificate -Server $ecsServer -ErrorAction SilentlyContinue -ErrorVariable ecsErrors | Where-Object { [string]$_.Services -match 'IIS' }); [pscustomobject]@{ Server = $ecsServer; Error = [string]($ecsErrors | Select-Object -First 1); Certificates = @($ecsCertificates | ForEach-Object { [pscustomobject]@{ Thumbprint = [string]$_.Thumbprint; Subject = [string]$_.Subject; Issuer = [string]$_.Issuer; NotAfter = $_.NotAfter.ToUniversalTime().ToString('o'); IsSelfSigned = [bool]$_.IsSelfSigned; RootCAType = [string]$_.RootCAType; Status = [string]$_.Status; Domains = @($_.CertificateDomains | ForEach-Object { [string]$_ }) } }) } }); Write-Output ('ECS-END ' + 'prerequisites.certificate')
# ==== prerequisites.certificate rollback
# Nothing to undo: this step only reads.
# ---- prompt line
# (no statements)
# ==== basicAuth.verify action
# Nothing to change: this step reads the current setting (see the verification).
# ---- prompt line
# (no statements)
# ==== basicAuth.verify verify
# Reads BasicAuthentication on the EWS virtual directory of every Exchange server that has one, server by server:
# behind a load balancer each of them must have it on. A server that cannot be read is printed with its error.
Write-Output ('ECS-BEGIN ' + 'basicAuth.verify')
ConvertTo-Json -Compress -Depth 4 -InputObject @(foreach ($ecsServer in @(Get-WebServicesVirtualDirectory -ADPropertiesOnly | ForEach-Object { [string]$_.Server } | Sort-Object -Unique)) { $ecsErrors = $null; $ecsDirectories = @(Get-WebServicesVirtualDirectory -Server $ecsServer -ErrorAction SilentlyContinue -ErrorVariable ecsErrors); $ecsError = [string]($ecsErrors | Select-Object -First 1); if ($ecsDirectories.Count -eq 0) { [pscustomobject]@{ Server = $ecsServer; Identity = ''; BasicAuthentication = $null; InternalUrl = ''; ExternalUrl = ''; Error = $(if ($ecsError) { $ecsError } else { 'no EWS virtual directory came back' }) } } else { foreach ($ecsDirectory in $ecsDirectories) { [pscustomobject]@{ Server = [string]$ecsDirectory.Server; Identity = [string]$ecsDirectory.Identity; BasicAuthentication = $ecsDirectory.BasicAuthentication; InternalUrl = [string]$ecsDirectory.InternalUrl; ExternalUrl = [string]$ecsDirectory.ExternalUrl; Error = $ecsError } } } })
Write-Output ('ECS-END ' + 'basicAuth.verify')
# ---- prompt line
Write-Output ('ECS-BEGIN ' + 'basicAuth.verify'); ConvertTo-Json -Compress -Depth 4 -InputObject @(foreach ($ecsServer in @(Get-WebServicesVirtualDirectory -ADPropertiesOnly | ForEach-Object { [string]$_.Server } | Sort-Object -Unique)) { $ecsErrors = $null; $ecsDirectories = @(Get-WebServicesVirtualDirectory -Server $ecsServer -ErrorAction SilentlyContinue -ErrorVariable ecsErrors); $ecsError = [string]($ecsErrors | Select-Object -First 1); if ($ecsDirectories.Count -eq 0) { [pscustomobject]@{ Server = $ecsServer; Identity = ''; BasicAuthentication = $null; InternalUrl = ''; ExternalUrl = ''; Error = $(if ($ecsError) { $ecsError } else { 'no EWS virtual directory came back' }) } } else { foreach ($ecsDirectory in $ecsDirectories) { [pscustomobject]@{ Server = [string]$ecsDirectory.Server; Identity = [string]$ecsDirectory.Identity; BasicAuthentication = $ecsDirectory.BasicAuthentication; InternalUrl = [string]$ecsDirectory.InternalUrl; ExternalUrl = [string]$ecsDirectory.ExternalUrl; Error = $ecsError } } } }); Write-Output ('ECS-END ' + 'basicAuth.verify')
# ==== basicAuth.verify rollback
# Nothing to undo: this step only reads.
# ---- prompt line
# (no statements)
# ==== basicAuth.enable action
# 1. Read the EWS virtual directory of every Exchange server that has one.
$ecsDirectories = @(foreach ($ecsServer in @(Get-WebServicesVirtualDirectory -ADPropertiesOnly | ForEach-Object { [string]$_.Server } | Sort-Object -Unique)) { Get-WebServicesVirtualDirectory -Server $ecsServer })
# 2. Record the current value of each directory not yet in the record file, before any change. A value already recorded
#    is never overwritten (a later run must not record "on" as the original); a directory whose value could not be read is not recorded.
$ecsPriorFile = Join-Path $env:USERPROFILE 'exchange-calendar-setup-basicauth-prior.json'
$ecsPrior = @(if (Test-Path -LiteralPath $ecsPriorFile) { foreach ($ecsEntry in (ConvertFrom-Json -InputObject (Get-Content -LiteralPath $ecsPriorFile -Raw))) { $ecsEntry } })
$ecsKnown = @(foreach ($ecsEntry in $ecsPrior) { [string]$ecsEntry.Identity })
$ecsNew = @(foreach ($ecsDirectory in $ecsDirectories) { if ($null -ne $ecsDirectory.BasicAuthentication -and $ecsKnown -notcontains [string]$ecsDirectory.Identity) { [pscustomobject]@{ Server = [string]$ecsDirectory.Server; Identity = [string]$ecsDirectory.Identity; BasicAuthentication = [bool]$ecsDirectory.BasicAuthentication } } })
if ($ecsNew.Count -gt 0) { ConvertTo-Json -Compress -Depth 3 -InputObject @($ecsPrior + $ecsNew) | Set-Content -LiteralPath $ecsPriorFile -Encoding UTF8 }
# Print the recorded values so the extension can offer an exact rollback.
Write-Output ('ECS-BEGIN ' + 'basicAuth.enable.prior')
if (Test-Path -LiteralPath $ecsPriorFile) { Get-Content -LiteralPath $ecsPriorFile -Raw } else { '[]' }
Write-Output ('ECS-END ' + 'basicAuth.enable.prior')
# 3. Turn Basic authentication on for each directory that has it off and whose old value is recorded, by the identity Exchange printed.
# Basic on the EWS directory applies to every user of EWS on that server, not only the service account.
$ecsRecorded = @(if (Test-Path -LiteralPath $ecsPriorFile) { foreach ($ecsEntry in (ConvertFrom-Json -InputObject (Get-Content -LiteralPath $ecsPriorFile -Raw))) { [string]$ecsEntry.Identity } })
$ecsChanged = @(foreach ($ecsDirectory in $ecsDirectories) { if ($null -eq $ecsDirectory.BasicAuthentication) { Write-Warning ('Not changed, its BasicAuthentication could not be read: ' + $ecsDirectory.Identity); continue }; if ($ecsDirectory.BasicAuthentication) { continue }; if ($ecsRecorded -notcontains [string]$ecsDirectory.Identity) { Write-Warning ('Not changed, its old value is not recorded: ' + $ecsDirectory.Identity); continue }; Set-WebServicesVirtualDirectory -Identity ([string]$ecsDirectory.Identity) -BasicAuthentication $true; [string]$ecsDirectory.Server })
# 4. Recycle MSExchangeServicesAppPool on each server changed, as Microsoft's xExchange DSC resource does after changing the EWS directory;
# otherwise IIS may keep serving the old setting. This uses PowerShell remoting to each server (WinRM, local administrator there).
# Where remoting is refused, the warning names the server: run Restart-WebAppPool -Name MSExchangeServicesAppPool on it, in an elevated shell.
foreach ($ecsServer in @($ecsChanged | Sort-Object -Unique)) { $ecsFqdn = [string](Get-ExchangeServer -Identity $ecsServer).Fqdn; if (-not $ecsFqdn) { $ecsFqdn = $ecsServer }; try { Invoke-Command -ComputerName $ecsFqdn -ErrorAction Stop -ScriptBlock { Import-Module WebAdministration; Restart-WebAppPool -Name 'MSExchangeServicesAppPool' }; Write-Output ('Recycled MSExchangeServicesAppPool on ' + $ecsFqdn) } catch { Write-Warning ('Could not recycle MSExchangeServicesAppPool on ' + $ecsFqdn + ' (' + $_ + '). On that server, in an elevated shell, run: Restart-WebAppPool -Name MSExchangeServicesAppPool') } }
# 5. Then run the verification (every server), and the auth.schemes probe in the Probe & Link panel: it shows what EWS offers now.
# ---- prompt line
$ecsDirectories = @(foreach ($ecsServer in @(Get-WebServicesVirtualDirectory -ADPropertiesOnly | ForEach-Object { [string]$_.Server } | Sort-Object -Unique)) { Get-WebServicesVirtualDirectory -Server $ecsServer }); $ecsPriorFile = Join-Path $env:USERPROFILE 'exchange-calendar-setup-basicauth-prior.json'; $ecsPrior = @(if (Test-Path -LiteralPath $ecsPriorFile) { foreach ($ecsEntry in (ConvertFrom-Json -InputObject (Get-Content -LiteralPath $ecsPriorFile -Raw))) { $ecsEntry } }); $ecsKnown = @(foreach ($ecsEntry in $ecsPrior) { [string]$ecsEntry.Identity }); $ecsNew = @(foreach ($ecsDirectory in $ecsDirectories) { if ($null -ne $ecsDirectory.BasicAuthentication -and $ecsKnown -notcontains [string]$ecsDirectory.Identity) { [pscustomobject]@{ Server = [string]$ecsDirectory.Server; Identity = [string]$ecsDirectory.Identity; BasicAuthentication = [bool]$ecsDirectory.BasicAuthentication } } }); if ($ecsNew.Count -gt 0) { ConvertTo-Json -Compress -Depth 3 -InputObject @($ecsPrior + $ecsNew) | Set-Content -LiteralPath $ecsPriorFile -Encoding UTF8 }; Write-Output ('ECS-BEGIN ' + 'basicAuth.enable.prior'); if (Test-Path -LiteralPath $ecsPriorFile) { Get-Content -LiteralPath $ecsPriorFile -Raw } else { '[]' }; Write-Output ('ECS-END ' + 'basicAuth.enable.prior'); $ecsRecorded = @(if (Test-Path -LiteralPath $ecsPriorFile) { foreach ($ecsEntry in (ConvertFrom-Json -InputObject (Get-Content -LiteralPath $ecsPriorFile -Raw))) { [string]$ecsEntry.Identity } }); $ecsChanged = @(foreach ($ecsDirectory in $ecsDirectories) { if ($null -eq $ecsDirectory.BasicAuthentication) { Write-Warning ('Not changed, its BasicAuthentication could not be read: ' + $ecsDirectory.Identity); continue }; if ($ecsDirectory.BasicAuthentication) { continue }; if ($ecsRecorded -notcontains [string]$ecsDirectory.Identity) { Write-Warning ('Not changed, its old value is not recorded: ' + $ecsDirectory.Identity); continue }; Set-WebServicesVirtualDirectory -Identity ([string]$ecsDirectory.Identity) -BasicAuthentication $true; [string]$ecsDirectory.Server }); foreach ($ecsServer in @($ecsChanged | Sort-Object -Unique)) { $ecsFqdn = [string](Get-ExchangeServer -Identity $ecsServer).Fqdn; if (-not $ecsFqdn) { $ecsFqdn = $ecsServer }; try { Invoke-Command -ComputerName $ecsFqdn -ErrorAction Stop -ScriptBlock { Import-Module WebAdministration; Restart-WebAppPool -Name 'MSExchangeServicesAppPool' }; Write-Output ('Recycled MSExchangeServicesAppPool on ' + $ecsFqdn) } catch { Write-Warning ('Could not recycle MSExchangeServicesAppPool on ' + $ecsFqdn + ' (' + $_ + '). On that server, in an elevated shell, run: Restart-WebAppPool -Name MSExchangeServicesAppPool') } }
# ==== basicAuth.enable verify
# Reads BasicAuthentication on the EWS virtual directory of every Exchange server that has one, server by server:
# behind a load balancer each of them must have it on. A server that cannot be read is printed with its error.
Write-Output ('ECS-BEGIN ' + 'basicAuth.enable')
ConvertTo-Json -Compress -Depth 4 -InputObject @(foreach ($ecsServer in @(Get-WebServicesVirtualDirectory -ADPropertiesOnly | ForEach-Object { [string]$_.Server } | Sort-Object -Unique)) { $ecsErrors = $null; $ecsDirectories = @(Get-WebServicesVirtualDirectory -Server $ecsServer -ErrorAction SilentlyContinue -ErrorVariable ecsErrors); $ecsError = [string]($ecsErrors | Select-Object -First 1); if ($ecsDirectories.Count -eq 0) { [pscustomobject]@{ Server = $ecsServer; Identity = ''; BasicAuthentication = $null; InternalUrl = ''; ExternalUrl = ''; Error = $(if ($ecsError) { $ecsError } else { 'no EWS virtual directory came back' }) } } else { foreach ($ecsDirectory in $ecsDirectories) { [pscustomobject]@{ Server = [string]$ecsDirectory.Server; Identity = [string]$ecsDirectory.Identity; BasicAuthentication = $ecsDirectory.BasicAuthentication; InternalUrl = [string]$ecsDirectory.InternalUrl; ExternalUrl = [string]$ecsDirectory.ExternalUrl; Error = $ecsError } } } })
Write-Output ('ECS-END ' + 'basicAuth.enable')
# ---- prompt line
Write-Output ('ECS-BEGIN ' + 'basicAuth.enable'); ConvertTo-Json -Compress -Depth 4 -InputObject @(foreach ($ecsServer in @(Get-WebServicesVirtualDirectory -ADPropertiesOnly | ForEach-Object { [string]$_.Server } | Sort-Object -Unique)) { $ecsErrors = $null; $ecsDirectories = @(Get-WebServicesVirtualDirectory -Server $ecsServer -ErrorAction SilentlyContinue -ErrorVariable ecsErrors); $ecsError = [string]($ecsErrors | Select-Object -First 1); if ($ecsDirectories.Count -eq 0) { [pscustomobject]@{ Server = $ecsServer; Identity = ''; BasicAuthentication = $null; InternalUrl = ''; ExternalUrl = ''; Error = $(if ($ecsError) { $ecsError } else { 'no EWS virtual directory came back' }) } } else { foreach ($ecsDirectory in $ecsDirectories) { [pscustomobject]@{ Server = [string]$ecsDirectory.Server; Identity = [string]$ecsDirectory.Identity; BasicAuthentication = $ecsDirectory.BasicAuthentication; InternalUrl = [string]$ecsDirectory.InternalUrl; ExternalUrl = [string]$ecsDirectory.ExternalUrl; Error = $ecsError } } } }); Write-Output ('ECS-END ' + 'basicAuth.enable')
# ==== basicAuth.enable rollback
# Puts back, server by server, the values recorded in exchange-calendar-setup-basicauth-prior.json under your profile before Basic authentication was changed.
$ecsPriorFile = Join-Path $env:USERPROFILE 'exchange-calendar-setup-basicauth-prior.json'
$ecsPrior = ConvertFrom-Json -InputObject (Get-Content -LiteralPath $ecsPriorFile -Raw)
# foreach, not a pipeline: Windows PowerShell 5.1 passes a JSON array down a pipeline as one object.
# A directory recorded as off was turned on by the enable step: its server is recycled afterwards.
$ecsRestored = @(foreach ($ecsEntry in $ecsPrior) { Set-WebServicesVirtualDirectory -Identity ([string]$ecsEntry.Identity) -BasicAuthentication ([bool]$ecsEntry.BasicAuthentication); if (-not [bool]$ecsEntry.BasicAuthentication) { if ($ecsEntry.Server) { [string]$ecsEntry.Server } else { ([string]$ecsEntry.Identity -split '\\')[0] } } })
# Recycle MSExchangeServicesAppPool on each server changed, as Microsoft's xExchange DSC resource does after changing the EWS directory;
# otherwise IIS may keep serving the old setting. This uses PowerShell remoting to each server (WinRM, local administrator there).
# Where remoting is refused, the warning names the server: run Restart-WebAppPool -Name MSExchangeServicesAppPool on it, in an elevated shell.
foreach ($ecsServer in @($ecsRestored | Sort-Object -Unique)) { $ecsFqdn = [string](Get-ExchangeServer -Identity $ecsServer).Fqdn; if (-not $ecsFqdn) { $ecsFqdn = $ecsServer }; try { Invoke-Command -ComputerName $ecsFqdn -ErrorAction Stop -ScriptBlock { Import-Module WebAdministration; Restart-WebAppPool -Name 'MSExchangeServicesAppPool' }; Write-Output ('Recycled MSExchangeServicesAppPool on ' + $ecsFqdn) } catch { Write-Warning ('Could not recycle MSExchangeServicesAppPool on ' + $ecsFqdn + ' (' + $_ + '). On that server, in an elevated shell, run: Restart-WebAppPool -Name MSExchangeServicesAppPool') } }
# ---- prompt line
$ecsPriorFile = Join-Path $env:USERPROFILE 'exchange-calendar-setup-basicauth-prior.json'; $ecsPrior = ConvertFrom-Json -InputObject (Get-Content -LiteralPath $ecsPriorFile -Raw); $ecsRestored = @(foreach ($ecsEntry in $ecsPrior) { Set-WebServicesVirtualDirectory -Identity ([string]$ecsEntry.Identity) -BasicAuthentication ([bool]$ecsEntry.BasicAuthentication); if (-not [bool]$ecsEntry.BasicAuthentication) { if ($ecsEntry.Server) { [string]$ecsEntry.Server } else { ([string]$ecsEntry.Identity -split '\\')[0] } } }); foreach ($ecsServer in @($ecsRestored | Sort-Object -Unique)) { $ecsFqdn = [string](Get-ExchangeServer -Identity $ecsServer).Fqdn; if (-not $ecsFqdn) { $ecsFqdn = $ecsServer }; try { Invoke-Command -ComputerName $ecsFqdn -ErrorAction Stop -ScriptBlock { Import-Module WebAdministration; Restart-WebAppPool -Name 'MSExchangeServicesAppPool' }; Write-Output ('Recycled MSExchangeServicesAppPool on ' + $ecsFqdn) } catch { Write-Warning ('Could not recycle MSExchangeServicesAppPool on ' + $ecsFqdn + ' (' + $_ + '). On that server, in an elevated shell, run: Restart-WebAppPool -Name MSExchangeServicesAppPool') } }
# ==== serviceAccount.create action
# Creates the service account mailbox. The shell asks for the password twice; it never appears in the command, the history or VS Code.
# The two entries are compared in memory without turning them into text; if they differ, nothing is created.
$ecsPassword = Read-Host 'Service account password' -AsSecureString
$ecsPasswordAgain = Read-Host 'Type the password again' -AsSecureString
$ecsFirst = [Runtime.InteropServices.Marshal]::SecureStringToBSTR($ecsPassword); $ecsSecond = [Runtime.InteropServices.Marshal]::SecureStringToBSTR($ecsPasswordAgain)
try { $ecsSame = $ecsPassword.Length -eq $ecsPasswordAgain.Length; for ($ecsAt = 0; $ecsSame -and $ecsAt -lt $ecsPassword.Length; $ecsAt++) { $ecsSame = [Runtime.InteropServices.Marshal]::ReadInt16($ecsFirst, 2 * $ecsAt) -eq [Runtime.InteropServices.Marshal]::ReadInt16($ecsSecond, 2 * $ecsAt) } } finally { [Runtime.InteropServices.Marshal]::ZeroFreeBSTR($ecsFirst); [Runtime.InteropServices.Marshal]::ZeroFreeBSTR($ecsSecond) }
if (-not $ecsSame) { throw 'The two passwords differ: nothing was created. Run the step again.' }
# -ResetPasswordOnNextLogon $false: otherwise EWS refuses the account with ErrorPasswordChangeRequired.
New-Mailbox -Name 'Alexa for Business' -Alias 'alexaforbusiness' -UserPrincipalName 'alexa.o''brien@contoso.com' -DisplayName 'Alexa for Business' -OrganizationalUnit 'contoso.com/Service Accounts' -Password $ecsPassword -ResetPasswordOnNextLogon $false
Remove-Variable -Name 'ecsPassword', 'ecsPasswordAgain'
# When the password expires, every EWS logon of the service fails with 401 until it is changed here and in the service.
# Check the expiry (needs the ActiveDirectory module of RSAT, not the Exchange session):
# Get-ADUser -Identity <sAMAccountName> -Properties PasswordNeverExpires, msDS-UserPasswordExpiryTimeComputed
# msDS-UserPasswordExpiryTimeComputed is a FILETIME: [DateTime]::FromFileTime(<value>). Without RSAT: net user <sAMAccountName> /domain
# ---- prompt line
$ecsPassword = Read-Host 'Service account password' -AsSecureString; $ecsPasswordAgain = Read-Host 'Type the password again' -AsSecureString; $ecsFirst = [Runtime.InteropServices.Marshal]::SecureStringToBSTR($ecsPassword); $ecsSecond = [Runtime.InteropServices.Marshal]::SecureStringToBSTR($ecsPasswordAgain); try { $ecsSame = $ecsPassword.Length -eq $ecsPasswordAgain.Length; for ($ecsAt = 0; $ecsSame -and $ecsAt -lt $ecsPassword.Length; $ecsAt++) { $ecsSame = [Runtime.InteropServices.Marshal]::ReadInt16($ecsFirst, 2 * $ecsAt) -eq [Runtime.InteropServices.Marshal]::ReadInt16($ecsSecond, 2 * $ecsAt) } } finally { [Runtime.InteropServices.Marshal]::ZeroFreeBSTR($ecsFirst); [Runtime.InteropServices.Marshal]::ZeroFreeBSTR($ecsSecond) }; if (-not $ecsSame) { throw 'The two passwords differ: nothing was created. Run the step again.' }; New-Mailbox -Name 'Alexa for Business' -Alias 'alexaforbusiness' -UserPrincipalName 'alexa.o''brien@contoso.com' -DisplayName 'Alexa for Business' -OrganizationalUnit 'contoso.com/Service Accounts' -Password $ecsPassword -ResetPasswordOnNextLogon $false; Remove-Variable -Name 'ecsPassword', 'ecsPasswordAgain'
# ==== serviceAccount.create verify
# Reads the service account mailbox back (an empty list means it does not exist).
Write-Output ('ECS-BEGIN ' + 'serviceAccount.create')
ConvertTo-Json -Compress -Depth 4 -InputObject @(Get-Mailbox -Identity 'alexa.o''brien@contoso.com' -ErrorAction SilentlyContinue | ForEach-Object { [pscustomobject]@{ Name = [string]$_.Name; Alias = [string]$_.Alias; UserPrincipalName = [string]$_.UserPrincipalName; PrimarySmtpAddress = [string]$_.PrimarySmtpAddress; RecipientTypeDetails = [string]$_.RecipientTypeDetails; AccountDisabled = [bool]$_.AccountDisabled } })
Write-Output ('ECS-END ' + 'serviceAccount.create')
# ---- prompt line
Write-Output ('ECS-BEGIN ' + 'serviceAccount.create'); ConvertTo-Json -Compress -Depth 4 -InputObject @(Get-Mailbox -Identity 'alexa.o''brien@contoso.com' -ErrorAction SilentlyContinue | ForEach-Object { [pscustomobject]@{ Name = [string]$_.Name; Alias = [string]$_.Alias; UserPrincipalName = [string]$_.UserPrincipalName; PrimarySmtpAddress = [string]$_.PrimarySmtpAddress; RecipientTypeDetails = [string]$_.RecipientTypeDetails; AccountDisabled = [bool]$_.AccountDisabled } }); Write-Output ('ECS-END ' + 'serviceAccount.create')
# ==== serviceAccount.create rollback
# Removes the mailbox and its Active Directory account. Exchange asks for confirmation: read it before answering.
Remove-Mailbox -Identity 'alexa.o''brien@contoso.com'
# ---- prompt line
Remove-Mailbox -Identity 'alexa.o''brien@contoso.com'
# ==== serviceAccount.protocols action
# Optional hardening: the calendar service only uses EWS, so a stolen password should not open Outlook on the web,
# ActiveSync, POP3, IMAP4 or Outlook (MAPI). EwsEnabled is left as it is; MAPI off does not turn EWS off.
# 1. Record the current values once, so the rollback restores exactly them.
$ecsProtocolsFile = Join-Path $env:USERPROFILE 'exchange-calendar-setup-protocols-prior.json'
if (-not (Test-Path -LiteralPath $ecsProtocolsFile)) { ConvertTo-Json -Compress -InputObject @(Get-CASMailbox -Identity 'alexa.o''brien@contoso.com' | ForEach-Object { [pscustomobject]@{ OWAEnabled = [bool]$_.OWAEnabled; ActiveSyncEnabled = [bool]$_.ActiveSyncEnabled; PopEnabled = [bool]$_.PopEnabled; ImapEnabled = [bool]$_.ImapEnabled; MAPIEnabled = [bool]$_.MAPIEnabled } }) | Set-Content -LiteralPath $ecsProtocolsFile -Encoding UTF8 }
# 2. Turn the other protocols off.
Set-CASMailbox -Identity 'alexa.o''brien@contoso.com' -OWAEnabled $false -ActiveSyncEnabled $false -PopEnabled $false -ImapEnabled $false -MAPIEnabled $false
# ---- prompt line
$ecsProtocolsFile = Join-Path $env:USERPROFILE 'exchange-calendar-setup-protocols-prior.json'; if (-not (Test-Path -LiteralPath $ecsProtocolsFile)) { ConvertTo-Json -Compress -InputObject @(Get-CASMailbox -Identity 'alexa.o''brien@contoso.com' | ForEach-Object { [pscustomobject]@{ OWAEnabled = [bool]$_.OWAEnabled; ActiveSyncEnabled = [bool]$_.ActiveSyncEnabled; PopEnabled = [bool]$_.PopEnabled; ImapEnabled = [bool]$_.ImapEnabled; MAPIEnabled = [bool]$_.MAPIEnabled } }) | Set-Content -LiteralPath $ecsProtocolsFile -Encoding UTF8 }; Set-CASMailbox -Identity 'alexa.o''brien@contoso.com' -OWAEnabled $false -ActiveSyncEnabled $false -PopEnabled $false -ImapEnabled $false -MAPIEnabled $false
# ==== serviceAccount.protocols verify
# Reads the service account's protocol switches back (EwsEnabled empty means the organisation's default, which is on).
Write-Output ('ECS-BEGIN ' + 'serviceAccount.protocols')
ConvertTo-Json -Compress -Depth 4 -InputObject @(Get-CASMailbox -Identity 'alexa.o''brien@contoso.com' -ErrorAction SilentlyContinue | ForEach-Object { [pscustomobject]@{ OWAEnabled = [bool]$_.OWAEnabled; ActiveSyncEnabled = [bool]$_.ActiveSyncEnabled; PopEnabled = [bool]$_.PopEnabled; ImapEnabled = [bool]$_.ImapEnabled; MAPIEnabled = [bool]$_.MAPIEnabled; EwsEnabled = $_.EwsEnabled } })
Write-Output ('ECS-END ' + 'serviceAccount.protocols')
# ---- prompt line
Write-Output ('ECS-BEGIN ' + 'serviceAccount.protocols'); ConvertTo-Json -Compress -Depth 4 -InputObject @(Get-CASMailbox -Identity 'alexa.o''brien@contoso.com' -ErrorAction SilentlyContinue | ForEach-Object { [pscustomobject]@{ OWAEnabled = [bool]$_.OWAEnabled; ActiveSyncEnabled = [bool]$_.ActiveSyncEnabled; PopEnabled = [bool]$_.PopEnabled; ImapEnabled = [bool]$_.ImapEnabled; MAPIEnabled = [bool]$_.MAPIEnabled; EwsEnabled = $_.EwsEnabled } }); Write-Output ('ECS-END ' + 'serviceAccount.protocols')
# ==== serviceAccount.protocols rollback
# Puts back the values recorded in exchange-calendar-setup-protocols-prior.json under your profile before the protocols were turned off.
$ecsProtocolsFile = Join-Path $env:USERPROFILE 'exchange-calendar-setup-protocols-prior.json'
if (-not (Test-Path -LiteralPath $ecsProtocolsFile)) { throw ('No recorded values in ' + $ecsProtocolsFile + ': set each protocol back with Set-CASMailbox (the Exchange default is on for all of them).') }
$ecsPrior = ConvertFrom-Json -InputObject (Get-Content -LiteralPath $ecsProtocolsFile -Raw)
# foreach, not a pipeline: Windows PowerShell 5.1 passes a JSON array down a pipeline as one object.
foreach ($ecsEntry in $ecsPrior) { Set-CASMailbox -Identity 'alexa.o''brien@contoso.com' -OWAEnabled ([bool]$ecsEntry.OWAEnabled) -ActiveSyncEnabled ([bool]$ecsEntry.ActiveSyncEnabled) -PopEnabled ([bool]$ecsEntry.PopEnabled) -ImapEnabled ([bool]$ecsEntry.ImapEnabled) -MAPIEnabled ([bool]$ecsEntry.MAPIEnabled) }
# ---- prompt line
$ecsProtocolsFile = Join-Path $env:USERPROFILE 'exchange-calendar-setup-protocols-prior.json'; if (-not (Test-Path -LiteralPath $ecsProtocolsFile)) { throw ('No recorded values in ' + $ecsProtocolsFile + ': set each protocol back with Set-CASMailbox (the Exchange default is on for all of them).') }; $ecsPrior = ConvertFrom-Json -InputObject (Get-Content -LiteralPath $ecsProtocolsFile -Raw); foreach ($ecsEntry in $ecsPrior) { Set-CASMailbox -Identity 'alexa.o''brien@contoso.com' -OWAEnabled ([bool]$ecsEntry.OWAEnabled) -ActiveSyncEnabled ([bool]$ecsEntry.ActiveSyncEnabled) -PopEnabled ([bool]$ecsEntry.PopEnabled) -ImapEnabled ([bool]$ecsEntry.ImapEnabled) -MAPIEnabled ([bool]$ecsEntry.MAPIEnabled) }
# ==== access.impersonation action
# A management scope over user mailboxes (RecipientTypeDetails UserMailbox: people, not rooms or shared mailboxes).
# To limit impersonation to the members of one group, as Microsoft recommends, set exchangeSetup.access.limitToGroup to its DN.
New-ManagementScope -Name 'Alexa for Business user mailboxes' -RecipientRestrictionFilter "RecipientTypeDetails -eq 'UserMailbox'"
# ApplicationImpersonation for the service account, limited to that scope.
New-ManagementRoleAssignment -Name 'Alexa for Business impersonation' -Role ApplicationImpersonation -User 'alexa.o''brien@contoso.com' -CustomRecipientWriteScope 'Alexa for Business user mailboxes'
# ---- prompt line
New-ManagementScope -Name 'Alexa for Business user mailboxes' -RecipientRestrictionFilter "RecipientTypeDetails -eq 'UserMailbox'"; New-ManagementRoleAssignment -Name 'Alexa for Business impersonation' -Role ApplicationImpersonation -User 'alexa.o''brien@contoso.com' -CustomRecipientWriteScope 'Alexa for Business user mailboxes'
# ==== access.impersonation verify
# The scope and its filter, and every ApplicationImpersonation assignment that reaches the service account.
# -Delegating $false: a delegating assignment only lets someone assign the role; it grants no impersonation.
# RecipientWriteScope says how far each assignment reaches: Organization (every mailbox), OU, or CustomRecipientScope.
$ecsScope = Get-ManagementScope -Identity 'Alexa for Business user mailboxes' -ErrorAction SilentlyContinue
$ecsAccount = Get-Mailbox -Identity 'alexa.o''brien@contoso.com' -ErrorAction SilentlyContinue
$ecsAssignments = @(Get-ManagementRoleAssignment -Role ApplicationImpersonation -GetEffectiveUsers -Delegating $false | Where-Object { $ecsAccount -and [string]$_.EffectiveUserName -eq [string]$ecsAccount.Name } | ForEach-Object { [pscustomobject]@{ Name = [string]$_.Name; RoleAssigneeName = [string]$_.RoleAssigneeName; CustomRecipientWriteScope = [string]$_.CustomRecipientWriteScope; RecipientWriteScope = [string]$_.RecipientWriteScope; DelegationType = [string]$_.RoleAssignmentDelegationType; Enabled = [bool]$_.Enabled } })
Write-Output ('ECS-BEGIN ' + 'access.impersonation')
ConvertTo-Json -Compress -Depth 4 -InputObject @([pscustomobject]@{ AccountFound = [bool]$ecsAccount; ScopeName = [string]$ecsScope.Name; ScopeFilter = [string]$ecsScope.RecipientFilter; Assignments = $ecsAssignments })
Write-Output ('ECS-END ' + 'access.impersonation')
# ---- prompt line
$ecsScope = Get-ManagementScope -Identity 'Alexa for Business user mailboxes' -ErrorAction SilentlyContinue; $ecsAccount = Get-Mailbox -Identity 'alexa.o''brien@contoso.com' -ErrorAction SilentlyContinue; $ecsAssignments = @(Get-ManagementRoleAssignment -Role ApplicationImpersonation -GetEffectiveUsers -Delegating $false | Where-Object { $ecsAccount -and [string]$_.EffectiveUserName -eq [string]$ecsAccount.Name } | ForEach-Object { [pscustomobject]@{ Name = [string]$_.Name; RoleAssigneeName = [string]$_.RoleAssigneeName; CustomRecipientWriteScope = [string]$_.CustomRecipientWriteScope; RecipientWriteScope = [string]$_.RecipientWriteScope; DelegationType = [string]$_.RoleAssignmentDelegationType; Enabled = [bool]$_.Enabled } }); Write-Output ('ECS-BEGIN ' + 'access.impersonation'); ConvertTo-Json -Compress -Depth 4 -InputObject @([pscustomobject]@{ AccountFound = [bool]$ecsAccount; ScopeName = [string]$ecsScope.Name; ScopeFilter = [string]$ecsScope.RecipientFilter; Assignments = $ecsAssignments }); Write-Output ('ECS-END ' + 'access.impersonation')
# ==== access.impersonation rollback
# In this order: a scope that an assignment still uses cannot be removed.
Remove-ManagementRoleAssignment -Identity 'Alexa for Business impersonation'
Remove-ManagementScope -Identity 'Alexa for Business user mailboxes'
# ---- prompt line
Remove-ManagementRoleAssignment -Identity 'Alexa for Business impersonation'; Remove-ManagementScope -Identity 'Alexa for Business user mailboxes'
# ==== access.delegate dryRun
# Dry run: counts the mailboxes the grant would change and shows each change with -WhatIf; nothing is changed.
# -WhatIf is listed in the syntax of Add-MailboxPermission and Add-ADPermission (Microsoft Learn, both pages).
$ecsMailboxes = @(Get-Mailbox -RecipientTypeDetails UserMailbox -ResultSize Unlimited | Where-Object { [string]$_.UserPrincipalName -ne 'alexa.o''brien@contoso.com' })
Write-Output ('User mailboxes this step changes: ' + $ecsMailboxes.Count)
$ecsMailboxes | ForEach-Object { Add-MailboxPermission -Identity $_.DistinguishedName -User 'alexa.o''brien@contoso.com' -AccessRights FullAccess -InheritanceType All -AutoMapping $false -WhatIf }
# Send As on premises is an Active Directory permission (Add-RecipientPermission is Exchange Online only).
$ecsMailboxes | ForEach-Object { Add-ADPermission -Identity $_.DistinguishedName -User 'alexa.o''brien@contoso.com' -ExtendedRights 'Send As' -WhatIf }
# ---- prompt line
$ecsMailboxes = @(Get-Mailbox -RecipientTypeDetails UserMailbox -ResultSize Unlimited | Where-Object { [string]$_.UserPrincipalName -ne 'alexa.o''brien@contoso.com' }); Write-Output ('User mailboxes this step changes: ' + $ecsMailboxes.Count); $ecsMailboxes | ForEach-Object { Add-MailboxPermission -Identity $_.DistinguishedName -User 'alexa.o''brien@contoso.com' -AccessRights FullAccess -InheritanceType All -AutoMapping $false -WhatIf }; $ecsMailboxes | ForEach-Object { Add-ADPermission -Identity $_.DistinguishedName -User 'alexa.o''brien@contoso.com' -ExtendedRights 'Send As' -WhatIf }
# ==== access.delegate action
# Full Access (without Outlook auto-mapping) and Send As on every user mailbox except the service account's own.
# Mailboxes created later do not get these rights: run this again after adding users (Method 1 does not have this gap).
# Run the dry run first (Insert Dry Run): it counts the mailboxes and shows each change with -WhatIf.
$ecsMailboxes = @(Get-Mailbox -RecipientTypeDetails UserMailbox -ResultSize Unlimited | Where-Object { [string]$_.UserPrincipalName -ne 'alexa.o''brien@contoso.com' })
Write-Output ('User mailboxes this step changes: ' + $ecsMailboxes.Count)
# Nothing changes unless you type the number of mailboxes shown above.
if ((Read-Host 'Type the number of mailboxes to change them') -ne [string]$ecsMailboxes.Count) { throw 'Nothing was changed: the number typed did not match.' }
$ecsMailboxes | ForEach-Object { Add-MailboxPermission -Identity $_.DistinguishedName -User 'alexa.o''brien@contoso.com' -AccessRights FullAccess -InheritanceType All -AutoMapping $false }
# Send As on premises is an Active Directory permission (Add-RecipientPermission is Exchange Online only).
$ecsMailboxes | ForEach-Object { Add-ADPermission -Identity $_.DistinguishedName -User 'alexa.o''brien@contoso.com' -ExtendedRights 'Send As' }
# ---- prompt line
$ecsMailboxes = @(Get-Mailbox -RecipientTypeDetails UserMailbox -ResultSize Unlimited | Where-Object { [string]$_.UserPrincipalName -ne 'alexa.o''brien@contoso.com' }); Write-Output ('User mailboxes this step changes: ' + $ecsMailboxes.Count); if ((Read-Host 'Type the number of mailboxes to change them') -ne [string]$ecsMailboxes.Count) { throw 'Nothing was changed: the number typed did not match.' }; $ecsMailboxes | ForEach-Object { Add-MailboxPermission -Identity $_.DistinguishedName -User 'alexa.o''brien@contoso.com' -AccessRights FullAccess -InheritanceType All -AutoMapping $false }; $ecsMailboxes | ForEach-Object { Add-ADPermission -Identity $_.DistinguishedName -User 'alexa.o''brien@contoso.com' -ExtendedRights 'Send As' }
# ==== access.delegate verify
# The rights on the test mailbox, and which user mailboxes lack each right: the count and the first
# 20 addresses of each (reads every mailbox: slow in large organisations).
$ecsMailboxes = @(Get-Mailbox -RecipientTypeDetails UserMailbox -ResultSize Unlimited | Where-Object { [string]$_.UserPrincipalName -ne 'alexa.o''brien@contoso.com' })
$ecsTestMailbox = Get-Mailbox -Identity 'alice@contoso.com'
$ecsTest = [pscustomobject]@{ Mailbox = [string]$ecsTestMailbox.PrimarySmtpAddress; FullAccess = [bool](Get-MailboxPermission -Identity $ecsTestMailbox.DistinguishedName -User 'alexa.o''brien@contoso.com' | Where-Object { $_.AccessRights -match 'FullAccess' -and -not $_.Deny }); SendAs = [bool](Get-ADPermission -Identity $ecsTestMailbox.DistinguishedName -User 'alexa.o''brien@contoso.com' | Where-Object { $_.ExtendedRights -match 'Send.As' -and -not $_.Deny }) }
$ecsNoFullAccess = @($ecsMailboxes | Where-Object { -not (Get-MailboxPermission -Identity $_.DistinguishedName -User 'alexa.o''brien@contoso.com' | Where-Object { $_.AccessRights -match 'FullAccess' -and -not $_.Deny }) } | ForEach-Object { [string]$_.PrimarySmtpAddress })
$ecsNoSendAs = @($ecsMailboxes | Where-Object { -not (Get-ADPermission -Identity $_.DistinguishedName -User 'alexa.o''brien@contoso.com' | Where-Object { $_.ExtendedRights -match 'Send.As' -and -not $_.Deny }) } | ForEach-Object { [string]$_.PrimarySmtpAddress })
Write-Output ('ECS-BEGIN ' + 'access.delegate')
ConvertTo-Json -Compress -Depth 4 -InputObject @([pscustomobject]@{ UserMailboxes = $ecsMailboxes.Count; WithoutFullAccessCount = $ecsNoFullAccess.Count; WithoutFullAccess = @($ecsNoFullAccess | Select-Object -First 20); WithoutSendAsCount = $ecsNoSendAs.Count; WithoutSendAs = @($ecsNoSendAs | Select-Object -First 20); TestMailbox = $ecsTest })
Write-Output ('ECS-END ' + 'access.delegate')
# ---- prompt line
$ecsMailboxes = @(Get-Mailbox -RecipientTypeDetails UserMailbox -ResultSize Unlimited | Where-Object { [string]$_.UserPrincipalName -ne 'alexa.o''brien@contoso.com' }); $ecsTestMailbox = Get-Mailbox -Identity 'alice@contoso.com'; $ecsTest = [pscustomobject]@{ Mailbox = [string]$ecsTestMailbox.PrimarySmtpAddress; FullAccess = [bool](Get-MailboxPermission -Identity $ecsTestMailbox.DistinguishedName -User 'alexa.o''brien@contoso.com' | Where-Object { $_.AccessRights -match 'FullAccess' -and -not $_.Deny }); SendAs = [bool](Get-ADPermission -Identity $ecsTestMailbox.DistinguishedName -User 'alexa.o''brien@contoso.com' | Where-Object { $_.ExtendedRights -match 'Send.As' -and -not $_.Deny }) }; $ecsNoFullAccess = @($ecsMailboxes | Where-Object { -not (Get-MailboxPermission -Identity $_.DistinguishedName -User 'alexa.o''brien@contoso.com' | Where-Object { $_.AccessRights -match 'FullAccess' -and -not $_.Deny }) } | ForEach-Object { [string]$_.PrimarySmtpAddress }); $ecsNoSendAs = @($ecsMailboxes | Where-Object { -not (Get-ADPermission -Identity $_.DistinguishedName -User 'alexa.o''brien@contoso.com' | Where-Object { $_.ExtendedRights -match 'Send.As' -and -not $_.Deny }) } | ForEach-Object { [string]$_.PrimarySmtpAddress }); Write-Output ('ECS-BEGIN ' + 'access.delegate'); ConvertTo-Json -Compress -Depth 4 -InputObject @([pscustomobject]@{ UserMailboxes = $ecsMailboxes.Count; WithoutFullAccessCount = $ecsNoFullAccess.Count; WithoutFullAccess = @($ecsNoFullAccess | Select-Object -First 20); WithoutSendAsCount = $ecsNoSendAs.Count; WithoutSendAs = @($ecsNoSendAs | Select-Object -First 20); TestMailbox = $ecsTest }); Write-Output ('ECS-END ' + 'access.delegate')
# ==== access.delegate rollback
# Removes both rights from the same set of mailboxes. Exchange asks for confirmation; add -Confirm:$false only once you have read one.
$ecsMailboxes = @(Get-Mailbox -RecipientTypeDetails UserMailbox -ResultSize Unlimited | Where-Object { [string]$_.UserPrincipalName -ne 'alexa.o''brien@contoso.com' })
$ecsMailboxes | ForEach-Object { Remove-MailboxPermission -Identity $_.DistinguishedName -User 'alexa.o''brien@contoso.com' -AccessRights FullAccess -InheritanceType All }
$ecsMailboxes | ForEach-Object { Remove-ADPermission -Identity $_.DistinguishedName -User 'alexa.o''brien@contoso.com' -ExtendedRights 'Send As' }
# ---- prompt line
$ecsMailboxes = @(Get-Mailbox -RecipientTypeDetails UserMailbox -ResultSize Unlimited | Where-Object { [string]$_.UserPrincipalName -ne 'alexa.o''brien@contoso.com' }); $ecsMailboxes | ForEach-Object { Remove-MailboxPermission -Identity $_.DistinguishedName -User 'alexa.o''brien@contoso.com' -AccessRights FullAccess -InheritanceType All }; $ecsMailboxes | ForEach-Object { Remove-ADPermission -Identity $_.DistinguishedName -User 'alexa.o''brien@contoso.com' -ExtendedRights 'Send As' }
# ==== link action
# No shell command can do this step. In the calendar service's console (for Alexa for Business: Calendar > Microsoft Exchange), enter:
#   Service account (user name): alexa.o'brien@contoso.com
#   Password: the one you typed when the service account was created (never stored by this extension)
#   EWS URL: https://mail.contoso.com/EWS/Exchange.asmx
#   Access method: Delegate access (Method 2)
# then choose Link account. Alexa for Business itself is retired: use the service that replaced it in your organisation.
# ---- prompt line
# (no statements)
# ==== link verify
# Before linking, run "Exchange Calendar Setup: Run probes": it signs in as the service account over EWS
# and reads a calendar the same way the service will. The console reports whether the link succeeded.
# ---- prompt line
# (no statements)
# ==== link rollback
# Unlink the account in the same console page.
# ---- prompt line
# (no statements)
# ==== test action
# No shell command can do this step. Ask an enrolled user (for example alice@contoso.com) to link Microsoft Exchange in the companion app
# with their e-mail address, then ask the device for their upcoming events.
# ---- prompt line
# (no statements)
# ==== test verify
# The device reads back events from that user's calendar. If it cannot, run the probes against that mailbox:
# they name the Exchange error (for example ErrorImpersonateUserDenied) and the step that fixes it.
# ---- prompt line
# (no statements)
# ==== test rollback
# Nothing to undo: the user can unlink Exchange in the app.
# ---- prompt line
# (no statements)
