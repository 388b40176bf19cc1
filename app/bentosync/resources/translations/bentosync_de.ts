<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>AccountsDialog</name>
    <message>
        <location filename="../../gui/dialogs/accounts_dialog.py" line="+100"/>
        <source>Accounts</source>
        <translation>Konten</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Use</source>
        <translation>&amp;Verwenden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Make the selected login the one BentoSync uses</source>
        <translation>Die ausgewählte Anmeldung für BentoSync verwenden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Log Out</source>
        <translation>&amp;Abmelden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Forget the selected login and delete its token</source>
        <translation>Die ausgewählte Anmeldung vergessen und ihr Token löschen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Add…</source>
        <translation>&amp;Hinzufügen…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Import from bentoml</source>
        <translation>Aus bentoml &amp;importieren</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Copy the logins of `bentoml cloud login` (.yatai.yaml) into the system keyring</source>
        <translation>Die Anmeldungen von `bentoml cloud login` (.yatai.yaml) in den Schlüsselbund des Systems übernehmen</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>current</source>
        <translation>aktuell</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>this session only</source>
        <translation>nur diese Sitzung</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>No saved logins. Add one, or import bentoml&apos;s.</source>
        <translation>Keine gespeicherten Anmeldungen. Fügen Sie eine hinzu oder importieren Sie die von bentoml.</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>There is no saved login named {name} any more.</source>
        <translation>Es gibt keine gespeicherte Anmeldung namens {name} mehr.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Now using {name} ({endpoint}).</source>
        <translation>Jetzt wird {name} ({endpoint}) verwendet.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Log out</source>
        <translation>Abmelden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Log out of {name}? Its token is deleted from the system keyring; you will need the token again to log back in.</source>
        <translation>Von {name} abmelden? Das Token wird aus dem Schlüsselbund des Systems gelöscht; für eine erneute Anmeldung brauchen Sie das Token wieder.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Logged out of {name}; its token was deleted.</source>
        <translation>Von {name} abgemeldet; das Token wurde gelöscht.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Logged out of {name}; no token was stored.</source>
        <translation>Von {name} abgemeldet; es war kein Token gespeichert.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Imported {names} from {source}.</source>
        <translation>{names} aus {source} importiert.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Skipped {names}.</source>
        <translation>Übersprungen: {names}.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Logged in to {endpoint} as context {name}.</source>
        <translation>Bei {endpoint} angemeldet, als Kontext {name}.</translation>
    </message>
</context>
<context>
    <name>ChecksumWords</name>
    <message>
        <location filename="../../gui/delegates/checksum_icons.py" line="+44"/>
        <source>pending</source>
        <extracomment>Icon IDs (``resources/icons/{light,dark}/&lt;id&gt;.svg``). What a job row shows when its files disagree: the worst state wins.</extracomment>
        <translation>ausstehend</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>hashing</source>
        <translation>wird berechnet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>verified</source>
        <translation>verifiziert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>mismatch</source>
        <translation>abweichend</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unverified</source>
        <translation>nicht verifiziert</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Pending</source>
        <translation>Ausstehend</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hashing</source>
        <translation>Prüfsumme wird berechnet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Verified</source>
        <translation>Verifiziert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mismatch</source>
        <translation>Abweichung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unverified</source>
        <translation>Nicht verifiziert</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Pending: not checked yet</source>
        <translation>Ausstehend: noch nicht geprüft</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hashing: computing its sha256…</source>
        <translation>Wird berechnet: sha256 wird ermittelt…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Verified: its sha256 matches the server&apos;s file list</source>
        <translation>Verifiziert: die sha256 stimmt mit der Dateiliste des Servers überein</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mismatch: its sha256 differs from the server&apos;s file list</source>
        <translation>Abweichung: die sha256 weicht von der Dateiliste des Servers ab</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Unverified: the server keeps no checksum to compare with</source>
        <translation>Nicht verifiziert: der Server speichert keine Prüfsumme zum Vergleich</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>{state}: {reason}</source>
        <translation>{state}: {reason}</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>No files yet</source>
        <translation>Noch keine Dateien</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>All {count} file(s) {state}: {reason}</source>
        <translation>
            <numerusform>{count} Datei {state}: {reason}</numerusform>
            <numerusform>Alle {count} Dateien {state}: {reason}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>{verified} of %n file(s) verified</source>
        <translation>
            <numerusform>{verified} von %n Datei verifiziert</numerusform>
            <numerusform>{verified} von %n Dateien verifiziert</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <location filename="../../gui/models/transfer_cells.py" line="+91"/>
        <source>{count} {state}</source>
        <translation>{count} {state}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{count} {state}: {reason}</source>
        <translation>{count} {state}: {reason}</translation>
    </message>
</context>
<context>
    <name>CloudConnection</name>
    <message>
        <location filename="../../gui/cloud_connection.py" line="+146"/>
        <source>the cloud</source>
        <extracomment>The new ``CloudTarget`` (label, endpoint) after a connect. A better label for the header once the server said who we are (``str``). ``CloudListing``: a first page (replaces the rows) or a further one. ``dict[str, list[CloudModel]]``: every cloud version of each of these names. ``ErrorReport``: why there is no listing. ``ErrorReport``: a further page could not be had (the rows so far stay). A connect or a listing started (True) or ended (False).</extracomment>
        <translation>Cloud</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the local registry on this computer</source>
        <translation>lokale Registry auf diesem Computer</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>There is no registry to transfer to yet; log in first.</source>
        <translation>Es gibt noch keine Registry für Übertragungen; melden Sie sich zuerst an.</translation>
    </message>
    <message>
        <location line="+169"/>
        <source>{who} on {endpoint}</source>
        <translation>{who} auf {endpoint}</translation>
    </message>
</context>
<context>
    <name>CloudDescribe</name>
    <message>
        <location filename="../../gui/models/cloud_describe.py" line="+48"/>
        <source>Hugging Face reference</source>
        <translation>Hugging-Face-Verweis</translation>
    </message>
    <message numerus="yes">
        <location line="+24"/>
        <source>{count} file(s)</source>
        <translation>
            <numerusform>{count} Datei</numerusform>
            <numerusform>{count} Dateien</numerusform>
        </translation>
    </message>
    <message>
        <location line="+11"/>
        <source>no files (a Hugging Face reference)</source>
        <translation>keine Dateien (ein Hugging-Face-Verweis)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>number of files not recorded</source>
        <translation>Anzahl der Dateien nicht erfasst</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>no files to check</source>
        <translation>keine Dateien zu prüfen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>sha256 of each file</source>
        <translation>sha256 jeder Datei</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>one sha256 for the whole model, single files cannot be compared</source>
        <translation>eine sha256 für das ganze Modell, einzelne Dateien lassen sich nicht vergleichen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no checksums, files unverified</source>
        <translation>keine Prüfsummen, Dateien nicht verifiziert</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>a Hugging Face reference has no files in the cloud.</source>
        <translation>ein Hugging-Face-Verweis hat keine Dateien in der Cloud.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the server keeps no checksums for this version, so its files are unverified. A pull can only check that their sizes add up.</source>
        <translation>der Server speichert für diese Version keine Prüfsummen, ihre Dateien sind also nicht verifiziert. Ein Download kann nur prüfen, ob ihre Größen stimmen.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>None: {reason}</source>
        <translation>Keine: {reason}</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>The sha256 of each of its {count} file(s), checked by the server against the uploaded archive.</source>
        <translation>
            <numerusform>Die sha256 seiner {count} Datei, vom Server mit dem hochgeladenen Archiv abgeglichen.</numerusform>
            <numerusform>Die sha256 jeder seiner {count} Dateien, vom Server mit dem hochgeladenen Archiv abgeglichen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>The sha256 of each of its {count} file(s), recorded when it was pushed (this server does not check uploads; every pull checks them).</source>
        <translation>
            <numerusform>Die sha256 seiner {count} Datei, beim Hochladen erfasst (dieser Server prüft Uploads nicht; jeder Download prüft sie).</numerusform>
            <numerusform>Die sha256 jeder seiner {count} Dateien, beim Hochladen erfasst (dieser Server prüft Uploads nicht; jeder Download prüft sie).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>One sha256 over all {count} file(s), which are too many to list one by one. A pull or Verify checks the model as a whole; single files cannot be compared.</source>
        <translation>
            <numerusform>Eine sha256 über {count} Datei. Ein Download oder „Prüfen“ prüft das Modell als Ganzes; einzelne Dateien lassen sich nicht vergleichen.</numerusform>
            <numerusform>Eine sha256 über alle {count} Dateien, zu viele, um sie einzeln aufzulisten. Ein Download oder „Prüfen“ prüft das Modell als Ganzes; einzelne Dateien lassen sich nicht vergleichen.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+11"/>
        <source>No checksums: {reason}</source>
        <translation>Keine Prüfsummen: {reason}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Checksums: {text}</source>
        <translation>Prüfsummen: {text}</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>a Hugging Face model</source>
        <translation>ein Hugging-Face-Modell</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>a reference to {model} at revision {revision} on the Hugging Face Hub, not an archive: there are no files to pull. BentoML downloads it from the Hub where a Bento uses it.</source>
        <translation>ein Verweis auf {model}, Revision {revision}, im Hugging Face Hub, kein Archiv: Es gibt keine Dateien herunterzuladen. BentoML lädt es aus dem Hub, wo ein Bento es verwendet.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>a reference to {model} on the Hugging Face Hub, not an archive: there are no files to pull. BentoML downloads it from the Hub where a Bento uses it.</source>
        <translation>ein Verweis auf {model} im Hugging Face Hub, kein Archiv: Es gibt keine Dateien herunterzuladen. BentoML lädt es aus dem Hub, wo ein Bento es verwendet.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{tag} is {reference}</source>
        <translation>{tag} ist {reference}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Cannot pull {tag}: it is {reference}</source>
        <translation>{tag} kann nicht heruntergeladen werden: Es ist {reference}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>unfinished</source>
        <translation>unvollständig</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cannot pull {tag}: its upload is {status} ({reason}). Push it again first.</source>
        <translation>{tag} kann nicht heruntergeladen werden: Upload-Status „{status}“ ({reason}). Laden Sie es zuerst erneut hoch.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cannot pull {tag}: its upload is {status}. Push it again first.</source>
        <translation>{tag} kann nicht heruntergeladen werden: Upload-Status „{status}“. Laden Sie es zuerst erneut hoch.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>No files in the cloud: a reference to a model on the Hugging Face Hub.</source>
        <translation>Keine Dateien in der Cloud: ein Verweis auf ein Modell im Hugging Face Hub.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{bytes} bytes</source>
        <translation>{bytes} Bytes</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Size not stated by the server</source>
        <translation>Größe vom Server nicht angegeben</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{size}, {files}
{checksums}</source>
        <translation>{size}, {files}
{checksums}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>a model</source>
        <translation>ein Modell</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>a Hugging Face reference to {model} at revision {revision}, no files</source>
        <translation>ein Hugging-Face-Verweis auf {model}, Revision {revision}, keine Dateien</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>a Hugging Face reference to {model}, no files</source>
        <translation>ein Hugging-Face-Verweis auf {model}, keine Dateien</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{size}, {files}, {checksums}</source>
        <translation>{size}, {files}, {checksums}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The sha256 of each file, computed here (no cloud copy to compare with).</source>
        <translation>Die sha256 jeder Datei, hier berechnet (keine Cloud-Kopie zum Vergleich).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Computed here; the cloud entry is a Hugging Face reference with no files.</source>
        <translation>Hier berechnet; der Cloud-Eintrag ist ein Hugging-Face-Verweis ohne Dateien.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Computed here and compared file by file with the cloud&apos;s sha256 of each file.</source>
        <translation>Hier berechnet und Datei für Datei mit der sha256 der Cloud verglichen.</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>Computed here and compared as a whole with the cloud&apos;s one sha256 over all {count} file(s); single files cannot be compared.</source>
        <translation>
            <numerusform>Hier berechnet und als Ganzes mit der einen sha256 der Cloud über {count} Datei verglichen; einzelne Dateien lassen sich nicht vergleichen.</numerusform>
            <numerusform>Hier berechnet und als Ganzes mit der einen sha256 der Cloud über alle {count} Dateien verglichen; einzelne Dateien lassen sich nicht vergleichen.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Computed here; the cloud copy has no checksums, so only sizes can be compared.</source>
        <translation>Hier berechnet; die Cloud-Kopie hat keine Prüfsummen, es lassen sich nur Größen vergleichen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>size unknown</source>
        <translation>Größe unbekannt</translation>
    </message>
</context>
<context>
    <name>CloudPane</name>
    <message>
        <location filename="../../gui/widgets/cloud_pane.py" line="+45"/>
        <source>Cloud</source>
        <extracomment>The filter text, once typing paused: the server&apos;s ``q`` for the listing.</extracomment>
        <translation>Cloud</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cloud models</source>
        <translation>Cloud-Modelle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The cloud model versions: name, version, size, age, sync state and labels</source>
        <translation>Die Modellversionen in der Cloud: Name, Version, Größe, Alter, Sync-Stand und Labels</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Filter cloud models</source>
        <translation>Cloud-Modelle filtern</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Search the registry</source>
        <translation>Registry suchen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Search the registry: every word must be in a model&apos;s name or version.
label:key=value (or label:key) and module:name narrow it further; -label:key leaves those out.</source>
        <translation>Registry durchsuchen: jedes Wort muss im Namen oder in der Version eines Modells vorkommen.
label:key=value (oder label:key) und module:name schränken weiter ein; -label:key lässt diese aus.</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+53"/>
        <source>Connecting…</source>
        <translation>Verbinden…</translation>
    </message>
    <message numerus="yes">
        <location line="-24"/>
        <source>{loaded} of {total} matching model(s)</source>
        <translation>
            <numerusform>{loaded} von {total} passenden Modell</numerusform>
            <numerusform>{loaded} von {total} passenden Modellen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>{loaded} of {total} model(s)</source>
        <translation>
            <numerusform>{loaded} von {total} Modell</numerusform>
            <numerusform>{loaded} von {total} Modellen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>{count} matching model(s)</source>
        <translation>
            <numerusform>{count} passendes Modell</numerusform>
            <numerusform>{count} passende Modelle</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>{count} model(s)</source>
        <translation>
            <numerusform>{count} Modell</numerusform>
            <numerusform>{count} Modelle</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Clear the filter (Esc) to see every model in the registry.</source>
        <translation>Leeren Sie den Filter (Esc), um alle Modelle der Registry zu sehen.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{endpoint}
Credentials: {source}</source>
        <translation>{endpoint}
Zugangsdaten: {source}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Local registry (this computer)</source>
        <translation>Lokale Registry (dieser Computer)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No models in the local registry yet</source>
        <translation>Noch keine Modelle in der lokalen Registry</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Drag models here from the Local pane, or select them and press Push (Ctrl+U). The registry keeps them on this computer; log in to use BentoCloud instead.</source>
        <translation>Ziehen Sie Modelle aus dem Bereich „Lokal“ hierher, oder wählen Sie sie aus und klicken Sie auf „Hochladen“ (Strg+U). Die Registry speichert sie auf diesem Computer; melden Sie sich an, um stattdessen BentoCloud zu nutzen.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No models on {endpoint} yet</source>
        <translation>Noch keine Modelle auf {endpoint}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Drag models here from the Local pane, or select them and press Push (Ctrl+U).</source>
        <translation>Ziehen Sie Modelle aus dem Bereich „Lokal“ hierher, oder wählen Sie sie aus und klicken Sie auf „Hochladen“ (Strg+U).</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Local registry (this computer): not running</source>
        <translation>Lokale Registry (dieser Computer): läuft nicht</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not logged in</source>
        <translation>Nicht angemeldet</translation>
    </message>
</context>
<context>
    <name>CloudSync</name>
    <message>
        <location filename="../../gui/models/cloud_models.py" line="+51"/>
        <source>Upload pending</source>
        <translation>Upload ausstehend</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Uploading</source>
        <translation>Wird hochgeladen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Upload failed</source>
        <translation>Upload fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Upload {status}</source>
        <translation>Upload: {status}</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>It cannot be pulled until a push completes.</source>
        <translation>Es kann erst heruntergeladen werden, wenn ein Upload abgeschlossen ist.</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <location filename="../../gui/dialogs/conflict_dialog.py" line="+67"/>
        <source>{tag} is already in the cloud</source>
        <translation>{tag} ist bereits in der Cloud</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{holder} already holds this version. Upload the copy on this computer into it again, or skip it? If the cloud version was made for other files, nothing is sent: the transfer then offers to delete the cloud version and push again.</source>
        <translation>{holder}: Diese Version ist bereits vorhanden. Die Kopie auf diesem Computer erneut hineinladen oder überspringen? Wurde die Cloud-Version für andere Dateien angelegt, wird nichts gesendet: Die Übertragung bietet dann an, die Cloud-Version zu löschen und erneut hochzuladen.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{tag} is already on this computer</source>
        <translation>{tag} ist bereits auf diesem Computer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The local store already holds this version. Replace it with the copy from {where}, or skip it?</source>
        <translation>Der lokale Speicher enthält diese Version bereits. Durch die Kopie ersetzen (Quelle: {where}) oder überspringen?</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Push conflict</source>
        <translation>Konflikt beim Hochladen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Pull conflict</source>
        <translation>Konflikt beim Herunterladen</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>Do the same for the %n other conflict(s)</source>
        <translation>
            <numerusform>Beim %n weiteren Konflikt ebenso verfahren</numerusform>
            <numerusform>Bei den %n weiteren Konflikten ebenso verfahren</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Skip</source>
        <translation>Über&amp;springen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Upload Again</source>
        <translation>&amp;Erneut hochladen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Upload into the existing cloud record (--force on the command line)</source>
        <translation>In den vorhandenen Cloud-Eintrag hochladen (--force auf der Kommandozeile)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Overwrite</source>
        <translation>&amp;Überschreiben</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Replace the existing copy (the same as --force on the command line)</source>
        <translation>Die vorhandene Kopie ersetzen (wie --force auf der Kommandozeile)</translation>
    </message>
</context>
<context>
    <name>DeleteDialog</name>
    <message>
        <location filename="../../gui/dialogs/delete_dialog.py" line="+181"/>
        <source>&amp;Delete and Push Again</source>
        <extracomment>``list[str]``: the tags to delete, once the user said yes.</extracomment>
        <translation>&amp;Löschen und erneut hochladen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
</context>
<context>
    <name>DeletionWords</name>
    <message>
        <location line="-117"/>
        <source>number of files unknown</source>
        <translation>Anzahl der Dateien unbekannt</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>{count} file(s)</source>
        <translation>
            <numerusform>{count} Datei</numerusform>
            <numerusform>{count} Dateien</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>size unknown</source>
        <translation>Größe unbekannt</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Replace the cloud version</source>
        <translation>Cloud-Version ersetzen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete {item} from {where}, then push the copy on this computer again?</source>
        <translation>{item} löschen (Ort: {where}) und danach die Kopie auf diesem Computer erneut hochladen?</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The cloud version is deleted first, for everyone who uses it: Bentos and deployments that use {tag} lose it. Then this computer&apos;s files are pushed as a new record under the same tag. The deletion cannot be undone.</source>
        <translation>Zuerst wird die Cloud-Version gelöscht, für alle, die sie nutzen: Bentos und Deployments, die {tag} verwenden, verlieren sie. Dann werden die Dateien dieses Computers als neuer Eintrag unter demselben Tag hochgeladen. Das Löschen lässt sich nicht rückgängig machen.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>at least {files}</source>
        <translation>mindestens {files}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Delete from this computer</source>
        <translation>Von diesem Computer löschen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The folder is removed from the local model store. Copies in the cloud are not touched. This cannot be undone.</source>
        <translation>Der Ordner wird aus dem lokalen Modellspeicher entfernt. Kopien in der Cloud bleiben unberührt. Das lässt sich nicht rückgängig machen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Delete from the cloud</source>
        <translation>Aus der Cloud löschen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The version is removed from {where} for everyone who uses it: Bentos and deployments that use it lose it. Copies on this computer are not touched. This cannot be undone.</source>
        <translation>Die Version wird für alle, die sie nutzen, entfernt (Ort: {where}): Bentos und Deployments, die sie verwenden, verlieren sie. Kopien auf diesem Computer bleiben unberührt. Das lässt sich nicht rückgängig machen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Delete {item} from {where}?</source>
        <translation>{item} löschen? (Ort: {where})</translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>…and %n more (see details)</source>
        <translation>
            <numerusform>…und %n weitere (siehe Details)</numerusform>
            <numerusform>…und %n weitere (siehe Details)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Delete %n model version(s) ({size}, {files}) from {where}?</source>
        <translation>
            <numerusform>%n Modellversion ({size}, {files}) löschen? (Ort: {where})</numerusform>
            <numerusform>%n Modellversionen ({size}, {files}) löschen? (Ort: {where})</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DetailsPanel</name>
    <message>
        <location filename="../../gui/widgets/details_panel.py" line="+70"/>
        <source>Sync</source>
        <extracomment>The rows, by key (``fields``); the keys are the English labels, translated when shown.</extracomment>
        <translation>Sync</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Framework</source>
        <translation>Framework</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Labels</source>
        <translation>Labels</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Metadata</source>
        <translation>Metadaten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Checksums</source>
        <translation>Prüfsummen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Where</source>
        <translation>Ort</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Model details</source>
        <extracomment>``LocalModel`` whose file list (with sha256) the panel wants computed.</extracomment>
        <translation>Modelldetails</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Labels, metadata and files of the selected model</source>
        <translation>Labels, Metadaten und Dateien des ausgewählten Modells</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>{field}:</source>
        <translation>{field}:</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Select a model to see its labels, metadata and files.</source>
        <translation>Wählen Sie ein Modell aus, um seine Labels, Metadaten und Dateien zu sehen.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>On this computer</source>
        <translation>Auf diesem Computer</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+48"/>
        <source>{size} ({bytes} bytes, {files})</source>
        <translation>{size} ({bytes} Bytes, {files})</translation>
    </message>
    <message>
        <location line="-31"/>
        <source>Computing the sha256 of {files}…</source>
        <translation>sha256 von {files} wird berechnet…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>the cloud</source>
        <translation>Cloud</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>not an archive, so nothing to pull or compare.</source>
        <translation>kein Archiv, also nichts herunterzuladen oder zu vergleichen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>In the cloud</source>
        <translation>In der Cloud</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>None: a reference has no files in the cloud</source>
        <translation>Keine: ein Verweis hat keine Dateien in der Cloud</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Not stated by the server ({files})</source>
        <translation>Vom Server nicht angegeben ({files})</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>{where}, as a reference to a model on the Hugging Face Hub (no archive)</source>
        <translation>{where}, als Verweis auf ein Modell im Hugging Face Hub (kein Archiv)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{where} (upload {status} ({reason}))</source>
        <translation>{where} (Upload: {status} ({reason}))</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{where} (upload {status})</source>
        <translation>{where} (Upload: {status})</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Hugging Face reference: no files in the cloud</source>
        <translation>Hugging-Face-Verweis: keine Dateien in der Cloud</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model: {model}
Revision: {revision}

{sentence}</source>
        <translation>Modell: {model}
Revision: {revision}

{sentence}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not named</source>
        <translation>nicht angegeben</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not pinned</source>
        <translation>nicht festgelegt</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No file list in the cloud</source>
        <translation>Keine Dateiliste in der Cloud</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server keeps no checksums for this version, so there is no list of its files to show and they are unverified. Only sizes can be compared; a pull checks that the files add up to the size the server states.</source>
        <translation>Der Server speichert für diese Version keine Prüfsummen; es gibt also keine Liste ihrer Dateien, und sie sind nicht verifiziert. Nur Größen lassen sich vergleichen; ein Download prüft, ob die Dateien die vom Server angegebene Größe ergeben.</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>{count} file(s) covered by one checksum</source>
        <translation>
            <numerusform>{count} Datei mit einer Prüfsumme</numerusform>
            <numerusform>{count} Dateien mit einer gemeinsamen Prüfsumme</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>The cloud keeps one sha256 over all {count} file(s) ({size}) instead of a list: a list of this many files would not fit in its record. Single files cannot be compared; a pull checks the whole model against it, and selecting the local copy compares it as a whole.

sha256 of the whole model: {digest}</source>
        <translation>
            <numerusform>Die Cloud speichert eine sha256 über {count} Datei ({size}) statt einer Liste. Einzelne Dateien lassen sich nicht vergleichen; ein Download prüft das ganze Modell dagegen, und die Auswahl der lokalen Kopie vergleicht sie als Ganzes.

sha256 des ganzen Modells: {digest}</numerusform>
            <numerusform>Die Cloud speichert eine sha256 über alle {count} Dateien ({size}) statt einer Liste: Eine Liste so vieler Dateien passt nicht in ihren Eintrag. Einzelne Dateien lassen sich nicht vergleichen; ein Download prüft das ganze Modell dagegen, und die Auswahl der lokalen Kopie vergleicht sie als Ganzes.

sha256 des ganzen Modells: {digest}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+17"/>
        <source>{count} file(s), sha256 as the server checked them</source>
        <translation>
            <numerusform>{count} Datei, sha256 wie vom Server geprüft</numerusform>
            <numerusform>{count} Dateien, sha256 wie vom Server geprüft</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>{count} file(s), sha256 as recorded when it was pushed (this server does not check uploads)</source>
        <translation>
            <numerusform>{count} Datei, sha256 wie beim Hochladen erfasst (dieser Server prüft Uploads nicht)</numerusform>
            <numerusform>{count} Dateien, sha256 wie beim Hochladen erfasst (dieser Server prüft Uploads nicht)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+18"/>
        <source>{count} file(s) hashed here (no cloud copy)</source>
        <translation>
            <numerusform>{count} Datei hier geprüft (keine Cloud-Kopie)</numerusform>
            <numerusform>{count} Dateien hier geprüft (keine Cloud-Kopie)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>{count} file(s) hashed here (the cloud entry is a Hugging Face reference)</source>
        <translation>
            <numerusform>{count} Datei hier geprüft (der Cloud-Eintrag ist ein Hugging-Face-Verweis)</numerusform>
            <numerusform>{count} Dateien hier geprüft (der Cloud-Eintrag ist ein Hugging-Face-Verweis)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>{count} file(s) hashed here (the cloud copy has no checksums to compare with)</source>
        <translation>
            <numerusform>{count} Datei hier geprüft (die Cloud-Kopie hat keine Prüfsummen zum Vergleich)</numerusform>
            <numerusform>{count} Dateien hier geprüft (die Cloud-Kopie hat keine Prüfsummen zum Vergleich)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+10"/>
        <source>All {count} file(s) match the cloud copy as a whole (one sha256 over the whole model)</source>
        <translation>
            <numerusform>Die {count} Datei stimmt als Ganzes mit der Cloud-Kopie überein (eine sha256 über das ganze Modell)</numerusform>
            <numerusform>Alle {count} Dateien stimmen als Ganzes mit der Cloud-Kopie überein (eine sha256 über das ganze Modell)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Differs from the cloud copy: {difference}</source>
        <translation>Weicht von der Cloud-Kopie ab: {difference}</translation>
    </message>
    <message numerus="yes">
        <location line="+13"/>
        <source>{bad} of {count} file(s) differ from the cloud copy</source>
        <translation>
            <numerusform>{bad} von {count} Datei weicht von der Cloud-Kopie ab</numerusform>
            <numerusform>{bad} von {count} Dateien weichen von der Cloud-Kopie ab</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>All {count} file(s) match the cloud copy, sha256 by sha256</source>
        <translation>
            <numerusform>Die {count} Datei stimmt mit der Cloud-Kopie überein, sha256 für sha256</numerusform>
            <numerusform>Alle {count} Dateien stimmen mit der Cloud-Kopie überein, sha256 für sha256</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Could not hash the files: {message}</source>
        <translation>Die Prüfsummen der Dateien ließen sich nicht berechnen: {message}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Computing sha256… {done} of {total}</source>
        <translation>sha256 wird berechnet… {done} von {total}</translation>
    </message>
</context>
<context>
    <name>DropBanner</name>
    <message numerus="yes">
        <location filename="../../gui/dnd.py" line="+40"/>
        <source>Pull %n model(s) to this computer</source>
        <translation>
            <numerusform>%n Modell auf diesen Computer herunterladen</numerusform>
            <numerusform>%n Modelle auf diesen Computer herunterladen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>(%n model(s) cannot be pulled and will be left out)</source>
        <translation>
            <numerusform>(%n Modell kann nicht heruntergeladen werden und wird ausgelassen)</numerusform>
            <numerusform>(%n Modelle können nicht heruntergeladen werden und werden ausgelassen)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>Import %n folder(s) as a new model</source>
        <translation>
            <numerusform>%n Ordner als neues Modell importieren</numerusform>
            <numerusform>%n Ordner als neue Modelle importieren</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+19"/>
        <source>None of these %n models can be pulled. {reason}</source>
        <translation>
            <numerusform>Keines dieser %n Modelle kann heruntergeladen werden. {reason}</numerusform>
            <numerusform>Keines dieser %n Modelle kann heruntergeladen werden. {reason}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>Push %n model(s) to {where}</source>
        <translation>
            <numerusform>%n Modell hochladen (Ziel: {where})</numerusform>
            <numerusform>%n Modelle hochladen (Ziel: {where})</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>Import %n folder(s) and push to {where}</source>
        <translation>
            <numerusform>%n Ordner importieren und hochladen (Ziel: {where})</numerusform>
            <numerusform>%n Ordner importieren und hochladen (Ziel: {where})</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EngineWords</name>
    <message>
        <location filename="../../gui/engine_words.py" line="+44"/>
        <source>{size} bytes</source>
        <translation>{size} Bytes</translation>
    </message>
    <message numerus="yes">
        <location line="+13"/>
        <source>%n file(s) differ ({names})</source>
        <translation>
            <numerusform>%n Datei weicht ab ({names})</numerusform>
            <numerusform>%n Dateien weichen ab ({names})</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%n only here ({names})</source>
        <translation>
            <numerusform>%n nur hier ({names})</numerusform>
            <numerusform>%n nur hier ({names})</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%n only in the cloud ({names})</source>
        <translation>
            <numerusform>%n nur in der Cloud ({names})</numerusform>
            <numerusform>%n nur in der Cloud ({names})</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%n file(s) of {size} here</source>
        <translation>
            <numerusform>hier %n Datei mit {size}</numerusform>
            <numerusform>hier %n Dateien mit {size}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%n file(s) of {size} in the cloud</source>
        <translation>
            <numerusform>in der Cloud %n Datei mit {size}</numerusform>
            <numerusform>in der Cloud %n Dateien mit {size}</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{here}, {there}</source>
        <comment>two halves of a difference</comment>
        <translation>{here}, {there}</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>the same %n file(s) by count and size, with other contents (the cloud keeps one checksum for the whole model, so the file cannot be named)</source>
        <translation>
            <numerusform>dieselbe %n Datei nach Anzahl und Größe, aber mit anderem Inhalt (die Cloud speichert eine Prüfsumme für das ganze Modell, daher lässt sich die Datei nicht benennen)</numerusform>
            <numerusform>dieselben %n Dateien nach Anzahl und Größe, aber mit anderem Inhalt (die Cloud speichert eine Prüfsumme für das ganze Modell, daher lässt sich die Datei nicht benennen)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Only on this computer; push it to share it.</source>
        <translation>Nur auf diesem Computer; laden Sie es hoch, um es zu teilen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Only in the cloud; pull it to use it here.</source>
        <translation>Nur in der Cloud; laden Sie es herunter, um es hier zu verwenden.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Only in the cloud, and its upload is {status}: it cannot be pulled.</source>
        <translation>Nur in der Cloud, und sein Upload hat den Status {status}: es kann nicht heruntergeladen werden.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The cloud record is a reference to a Hugging Face model, not an archive of these files.</source>
        <translation>Der Cloud-Eintrag ist ein Verweis auf ein Hugging-Face-Modell, kein Archiv dieser Dateien.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The cloud copy is not usable (upload {status}: {why}); push it again.</source>
        <translation>Die Cloud-Kopie ist nicht nutzbar (Upload {status}: {why}); laden Sie es erneut hoch.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The cloud copy is not usable (upload {status}); push it again.</source>
        <translation>Die Cloud-Kopie ist nicht nutzbar (Upload {status}); laden Sie es erneut hoch.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sizes differ: {here} here, {there} in the cloud.</source>
        <translation>Die Größen weichen ab: hier {here}, in der Cloud {there}.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Same size on both sides; the server keeps no checksums, so the files are unverified.</source>
        <translation>Auf beiden Seiten gleich groß; der Server speichert keine Prüfsummen, die Dateien sind also nicht verifiziert.</translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>All %n file(s) have the same sha256 on both sides.</source>
        <translation>
            <numerusform>Die einzige Datei hat auf beiden Seiten dieselbe sha256.</numerusform>
            <numerusform>Alle %n Dateien haben auf beiden Seiten dieselbe sha256.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>All %n file(s) match the cloud&apos;s whole-model sha256 on both sides.</source>
        <translation>
            <numerusform>Die einzige Datei stimmt mit der sha256 der Cloud über das ganze Modell überein.</numerusform>
            <numerusform>Alle %n Dateien stimmen mit der sha256 der Cloud über das ganze Modell überein.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%n file(s) here, {cloud} in the cloud.</source>
        <translation>
            <numerusform>Hier %n Datei, in der Cloud {cloud}.</numerusform>
            <numerusform>Hier %n Dateien, in der Cloud {cloud}.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Same size and file count; checksums are compared when the model is verified or its files are shown.</source>
        <translation>Gleiche Größe und Dateianzahl; die Prüfsummen werden verglichen, wenn das Modell verifiziert oder seine Dateien angezeigt werden.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Looking up {tag}</source>
        <translation>{tag} wird gesucht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Downloading {tag}</source>
        <translation>{tag} wird heruntergeladen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Checking model.yaml</source>
        <translation>model.yaml wird geprüft</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Installing</source>
        <translation>Wird installiert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reading {tag}</source>
        <translation>{tag} wird gelesen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Computing sha256 of every file</source>
        <translation>sha256 jeder Datei wird berechnet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Uploading {tag} ({strategy})</source>
        <translation>{tag} wird hochgeladen ({strategy})</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Uploading {tag} again from the start</source>
        <translation>{tag} wird erneut von Anfang an hochgeladen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server is checking every file</source>
        <translation>Der Server prüft jede Datei</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Fetching the checksums of {tag}</source>
        <translation>Prüfsummen von {tag} werden abgerufen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reading every file again</source>
        <translation>Jede Datei wird erneut gelesen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting for a free slot</source>
        <translation>Wartet auf einen freien Platz</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancelled before it started</source>
        <translation>Abgebrochen, bevor es begann</translation>
    </message>
    <message numerus="yes">
        <location line="+33"/>
        <source>Pushed {tag} (%n file(s), every file verified by the server)</source>
        <translation>
            <numerusform>{tag} hochgeladen (%n Datei, vom Server verifiziert)</numerusform>
            <numerusform>{tag} hochgeladen (%n Dateien, jede vom Server verifiziert)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>Pushed {tag} (%n file(s), verified as a whole by the server)</source>
        <translation>
            <numerusform>{tag} hochgeladen (%n Datei, vom Server als Ganzes verifiziert)</numerusform>
            <numerusform>{tag} hochgeladen (%n Dateien, vom Server als Ganzes verifiziert)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>Pushed {tag} (%n file(s), checksums recorded for every pull to check; the server does not check uploads)</source>
        <translation>
            <numerusform>{tag} hochgeladen (%n Datei, Prüfsumme für jeden Download zur Prüfung erfasst; der Server prüft Uploads nicht)</numerusform>
            <numerusform>{tag} hochgeladen (%n Dateien, Prüfsummen für jeden Download zur Prüfung erfasst; der Server prüft Uploads nicht)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>Pushed {tag} (%n file(s), unverified: the server keeps no checksums of this version)</source>
        <translation>
            <numerusform>{tag} hochgeladen (%n Datei, nicht verifiziert: der Server speichert keine Prüfsummen dieser Version)</numerusform>
            <numerusform>{tag} hochgeladen (%n Dateien, nicht verifiziert: der Server speichert keine Prüfsummen dieser Version)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>Pulled {tag} (%n file(s), every file verified)</source>
        <translation>
            <numerusform>{tag} heruntergeladen (%n Datei, verifiziert)</numerusform>
            <numerusform>{tag} heruntergeladen (%n Dateien, jede verifiziert)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Pulled {tag} (%n file(s), verified as a whole)</source>
        <translation>
            <numerusform>{tag} heruntergeladen (%n Datei, als Ganzes verifiziert)</numerusform>
            <numerusform>{tag} heruntergeladen (%n Dateien, als Ganzes verifiziert)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>Pulled {tag} (%n file(s), unverified: the server keeps no checksums; their total size was checked)</source>
        <translation>
            <numerusform>{tag} heruntergeladen (%n Datei, nicht verifiziert: der Server speichert keine Prüfsummen; ihre Größe wurde geprüft)</numerusform>
            <numerusform>{tag} heruntergeladen (%n Dateien, nicht verifiziert: der Server speichert keine Prüfsummen; ihre Gesamtgröße wurde geprüft)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>{tag}: all %n file(s) match the cloud.</source>
        <translation>
            <numerusform>{tag}: die einzige Datei stimmt mit der Cloud überein.</numerusform>
            <numerusform>{tag}: alle %n Dateien stimmen mit der Cloud überein.</numerusform>
        </translation>
    </message>
    <message>
        <location line="-61"/>
        <source>{tag} is already in the local store; use --force to pull it again.</source>
        <translation>{tag} ist bereits im lokalen Speicher; mit --force wird es erneut heruntergeladen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{tag} is already on {endpoint}, identical file by file.</source>
        <translation>{tag} ist bereits auf {endpoint}, Datei für Datei identisch.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{tag} is already on {endpoint}, identical as a whole.</source>
        <translation>{tag} ist bereits auf {endpoint}, als Ganzes identisch.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{tag} is already on {endpoint}; the server keeps no checksums of it, so its files are unverified. Use --force to upload it again.</source>
        <translation>{tag} ist bereits auf {endpoint}; der Server speichert keine Prüfsummen davon, seine Dateien sind also nicht verifiziert. Mit --force wird es erneut hochgeladen.</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>{tag} is already on {endpoint} with {cloud} of files, not {local}; run `bentosync push {tag} --recreate` to replace it.</source>
        <translation>{tag} ist bereits auf {endpoint}, mit {cloud} an Dateien statt {local}; `bentosync push {tag} --recreate` ersetzt es.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{tag} is already on {endpoint} with different files ({difference}); run `bentosync push {tag} --recreate` to replace it.</source>
        <translation>{tag} ist bereits auf {endpoint}, mit anderen Dateien ({difference}); `bentosync push {tag} --recreate` ersetzt es.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>hashed; the server checks it</source>
        <translation>berechnet; der Server prüft sie</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the cloud copy differs</source>
        <translation>die Cloud-Kopie weicht ab</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not in the cloud</source>
        <translation>nicht in der Cloud</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the cloud lists another sha256</source>
        <translation>die Cloud führt eine andere sha256</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>same in the cloud</source>
        <translation>in der Cloud gleich</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the cloud copy has another size</source>
        <translation>die Cloud-Kopie hat eine andere Größe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the server keeps no checksums</source>
        <translation>der Server speichert keine Prüfsummen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the server lists other files</source>
        <translation>der Server führt andere Dateien</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the server checked it</source>
        <translation>vom Server geprüft</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>recorded in the cloud for pulls to check; this server does not check uploads</source>
        <translation>in der Cloud erfasst, damit Downloads sie prüfen; dieser Server prüft Uploads nicht</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the whole model matches</source>
        <translation>das ganze Modell stimmt überein</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the whole model differs</source>
        <translation>das ganze Modell weicht ab</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not in the cloud&apos;s file list</source>
        <translation>nicht in der Dateiliste der Cloud</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>differs from the cloud&apos;s sha256</source>
        <translation>weicht von der sha256 der Cloud ab</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the whole model matches its checksum</source>
        <translation>das ganze Modell stimmt mit seiner Prüfsumme überein</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the files differ from the model&apos;s checksum</source>
        <translation>die Dateien weichen von der Prüfsumme des Modells ab</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>names another model</source>
        <translation>nennt ein anderes Modell</translation>
    </message>
</context>
<context>
    <name>ErrorWords</name>
    <message>
        <location filename="../../gui/error_words.py" line="+45"/>
        <source>Unexpected error: {error}</source>
        <translation>Unerwarteter Fehler: {error}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the registry</source>
        <translation>Registry</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Log in to BentoCloud (or a compatible registry) to see its models here.</source>
        <translation>Melden Sie sich bei BentoCloud (oder einer kompatiblen Registry) an, um hier ihre Modelle zu sehen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not logged in</source>
        <translation>Nicht angemeldet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The local registry did not start</source>
        <translation>Die lokale Registry ist nicht gestartet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cannot read the saved login</source>
        <translation>Die gespeicherte Anmeldung lässt sich nicht lesen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{where} refused the login</source>
        <translation>Anmeldung abgelehnt ({where})</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{where} refused this token{status}. Check that it is complete, not expired, and made for this endpoint.</source>
        <translation>Token abgelehnt ({where}){status}. Prüfen Sie, ob es vollständig, nicht abgelaufen und für diesen Endpunkt ausgestellt ist.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Not a usable endpoint</source>
        <translation>Kein verwendbarer Endpunkt</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cannot connect securely to {where}</source>
        <translation>Keine sichere Verbindung möglich ({where})</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cannot connect securely to {where}: {error}</source>
        <translation>Keine sichere Verbindung möglich ({where}): {error}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Cannot reach {where}: {error}</source>
        <translation>Nicht erreichbar ({where}): {error}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cannot reach {where}</source>
        <translation>Nicht erreichbar: {where}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{error}. Check the URL and your network connection.</source>
        <translation>{error}. Prüfen Sie die URL und Ihre Netzwerkverbindung.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The cloud version lists other files</source>
        <translation>Die Cloud-Version führt andere Dateien</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{where} did not answer as expected</source>
        <translation>Unerwartete Antwort ({where})</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Something went wrong</source>
        <translation>Etwas ist schiefgegangen</translation>
    </message>
</context>
<context>
    <name>ExceptionDialog</name>
    <message>
        <location filename="../../gui/exception_dialog.py" line="+45"/>
        <source>BentoSync: something went wrong</source>
        <translation>BentoSync: Etwas ist schiefgegangen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Something went wrong. BentoSync is still running.</source>
        <translation>Etwas ist schiefgegangen. BentoSync läuft weiter.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{message}

If it happens again, please report it with the details (Help ▸ Open Log Folder has the full log).</source>
        <translation>{message}

Wenn es wieder passiert, melden Sie es bitte mit den Details (Hilfe ▸ Protokollordner öffnen enthält das vollständige Protokoll).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Copy Details</source>
        <translation>Details kopieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Copy versions, the error and recent log lines</source>
        <translation>Versionen, den Fehler und die letzten Protokollzeilen kopieren</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Copied</source>
        <translation>Kopiert</translation>
    </message>
</context>
<context>
    <name>FileCount</name>
    <message numerus="yes">
        <location filename="../../gui/widgets/details_panel.py" line="-360"/>
        <source>{count} file(s)</source>
        <translation>
            <numerusform>{count} Datei</numerusform>
            <numerusform>{count} Dateien</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FilesModel</name>
    <message>
        <location filename="../../gui/models/files_model.py" line="+79"/>
        <source>Checked by the server against the uploaded archive</source>
        <translation>Vom Server mit dem hochgeladenen Archiv abgeglichen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Recorded when it was pushed; this server does not check uploads, every pull does</source>
        <translation>Beim Hochladen erfasst; dieser Server prüft Uploads nicht, jeder Download schon</translation>
    </message>
    <message numerus="yes">
        <location line="+10"/>
        <source>The whole model matches the cloud&apos;s one sha256 over its {count} file(s)</source>
        <translation>
            <numerusform>Das ganze Modell stimmt mit der einen sha256 der Cloud über seine {count} Datei überein</numerusform>
            <numerusform>Das ganze Modell stimmt mit der einen sha256 der Cloud über seine {count} Dateien überein</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The model differs from the cloud copy, which keeps one sha256 for the whole model, so this file cannot be compared on its own</source>
        <translation>Das Modell weicht von der Cloud-Kopie ab, die eine sha256 für das ganze Modell speichert; diese Datei lässt sich daher nicht einzeln vergleichen</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Hashed here; no cloud file list to compare with</source>
        <translation>Hier berechnet; keine Dateiliste der Cloud zum Vergleich</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not in the other side&apos;s file list</source>
        <translation>Nicht in der Dateiliste der anderen Seite</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Same sha256 here and in the cloud</source>
        <translation>Gleiche sha256 hier und in der Cloud</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The cloud has sha256 {sha256}…, {size} bytes</source>
        <translation>Die Cloud hat sha256 {sha256}…, {size} Bytes</translation>
    </message>
    <message>
        <location line="+88"/>
        <source>hashing…</source>
        <translation>wird berechnet…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>not hashed yet</source>
        <translation>noch nicht berechnet</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{bytes} bytes</source>
        <translation>{bytes} Bytes</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../gui/dialogs/import_dialog.py" line="+71"/>
        <source>“{entry}” is not key=value</source>
        <translation>„{entry}“ hat nicht die Form key=value</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Import a folder as a model</source>
        <extracomment>The ``ImportRequest`` once the user accepted.</extracomment>
        <translation>Ordner als Modell importieren</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The files of &lt;b&gt;{folder}&lt;/b&gt; are copied into a new model in the local store; the folder itself is left as it is.</source>
        <translation>Die Dateien von &lt;b&gt;{folder}&lt;/b&gt; werden in ein neues Modell im lokalen Speicher kopiert; der Ordner selbst bleibt unverändert.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>e.g. sentiment-clf</source>
        <translation>z. B. sentiment-clf</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>team=nlp
stage=dev</source>
        <translation>team=nlp
stage=dev</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Push it to {where} afterwards</source>
        <translation>Danach hochladen (Ziel: {where})</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>the cloud</source>
        <translation>Cloud</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Labels:</source>
        <translation>&amp;Labels:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Import</source>
        <translation>&amp;Importieren</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Give the model a name.</source>
        <translation>Geben Sie dem Modell einen Namen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Use lowercase: model names are lowercase in BentoML.</source>
        <translation>Verwenden Sie Kleinbuchstaben: Modellnamen sind in BentoML kleingeschrieben.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Labels: {problem}.</source>
        <translation>Labels: {problem}.</translation>
    </message>
</context>
<context>
    <name>LocalListing</name>
    <message>
        <location filename="../../gui/local_listing.py" line="+120"/>
        <source>Loading models from {path}…</source>
        <translation>Modelle aus {path} werden geladen…</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>Cannot read {path}</source>
        <translation>{path} lässt sich nicht lesen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cannot read {path}: {message}</source>
        <translation>{path} lässt sich nicht lesen: {message}</translation>
    </message>
    <message numerus="yes">
        <location line="+20"/>
        <source>{count} model(s) · {size} in {path}</source>
        <translation>
            <numerusform>{count} Modell · {size} in {path}</numerusform>
            <numerusform>{count} Modelle · {size} in {path}</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No models in {path}</source>
        <translation>Keine Modelle in {path}</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>%n broken entry(s)</source>
        <translation>
            <numerusform>%n defekter Eintrag</numerusform>
            <numerusform>%n defekte Einträge</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>These folders under models/ are not loadable models (click for details):</source>
        <translation>Diese Ordner unter models/ sind keine ladbaren Modelle (für Details klicken):</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Broken entries in the model store</source>
        <translation>Defekte Einträge im Modellspeicher</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n folder(s) under {path} not a loadable model.</source>
        <translation>
            <numerusform>%n Ordner unter {path} ist kein ladbares Modell.</numerusform>
            <numerusform>%n Ordner unter {path} sind keine ladbaren Modelle.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>BentoML&apos;s own model list may fail on them. Move them out of the store or repair their model.yaml.</source>
        <translation>Die Modellliste von BentoML selbst kann an ihnen scheitern. Verschieben Sie sie aus dem Speicher oder reparieren Sie ihre model.yaml.</translation>
    </message>
</context>
<context>
    <name>LocalModelTableModel</name>
    <message numerus="yes">
        <location filename="../../gui/models/local_models.py" line="+120"/>
        <source>{bytes} bytes in {count} file(s)</source>
        <translation>
            <numerusform>{bytes} Bytes in {count} Datei</numerusform>
            <numerusform>{bytes} Bytes in {count} Dateien</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Generic model (no framework module)</source>
        <translation>Generisches Modell (kein Framework-Modul)</translation>
    </message>
</context>
<context>
    <name>LocalPane</name>
    <message>
        <location filename="../../gui/widgets/local_pane.py" line="+23"/>
        <source>Local</source>
        <translation>Lokal</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Local models</source>
        <translation>Lokale Modelle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The local model versions: name, version, size, age, sync state and labels</source>
        <translation>Die lokalen Modellversionen: Name, Version, Größe, Alter, Sync-Stand und Labels</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Filter local models</source>
        <translation>Lokale Modelle filtern</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>This computer: {path}</source>
        <translation>Dieser Computer: {path}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No models in {path} yet</source>
        <translation>Noch keine Modelle in {path}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save one with bentoml.models.create(...), pull one from the Cloud pane (drag it here, or Ctrl+D; bentosync pull NAME in a terminal), or drop a folder here to import it.</source>
        <translation>Speichern Sie eines mit bentoml.models.create(...), laden Sie eines aus dem Bereich „Cloud“ herunter (hierher ziehen, oder Strg+D; bentosync pull NAME im Terminal), oder legen Sie einen Ordner hier ab, um ihn zu importieren.</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../gui/dialogs/login_dialog.py" line="+113"/>
        <source>Log in to BentoCloud</source>
        <translation>Bei BentoCloud anmelden</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>API token from the BentoCloud console</source>
        <translation>API-Token aus der BentoCloud-Konsole</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Endpoint:</source>
        <translation>&amp;Endpunkt:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API &amp;token:</source>
        <translation>API-&amp;Token:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Context name:</source>
        <translation>&amp;Kontextname:</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>&amp;Test Connection</source>
        <translation>Verbindung &amp;testen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Keep for This &amp;Session Only</source>
        <translation>Nur für diese &amp;Sitzung behalten</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Use this token until BentoSync quits, without saving it anywhere.</source>
        <translation>Dieses Token verwenden, bis BentoSync beendet wird, ohne es irgendwo zu speichern.</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Check what you typed</source>
        <translation>Prüfen Sie Ihre Eingabe</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Connecting to {endpoint}…</source>
        <translation>Verbindung mit {endpoint}…</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Checking the token with {endpoint}…</source>
        <translation>Token wird bei {endpoint} geprüft…</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Keeping the token for this session…</source>
        <translation>Token wird für diese Sitzung behalten…</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Connected as {name}. Save to keep this login.</source>
        <translation>Verbunden als {name}. Speichern Sie, um diese Anmeldung zu behalten.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Logged in; the token is kept for this session only.</source>
        <translation>Angemeldet; das Token wird nur für diese Sitzung behalten.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Logged in as {name}; the token is kept in the system keyring.</source>
        <translation>Angemeldet als {name}; das Token liegt im Schlüsselbund des Systems.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Still waiting for the system keyring. If it asks to be unlocked, answer its prompt; or cancel this dialog.</source>
        <translation>Warte noch auf den Schlüsselbund des Systems. Wenn er entsperrt werden will, beantworten Sie seine Abfrage; oder brechen Sie diesen Dialog ab.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../gui/main_window.py" line="+251"/>
        <source>Main toolbar</source>
        <extracomment>The local listing finished, successfully or not. The cloud listing finished, successfully or not.</extracomment>
        <translation>Hauptwerkzeugleiste</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>Cannot retry</source>
        <translation>Wiederholen nicht möglich</translation>
    </message>
    <message>
        <location line="+99"/>
        <source>No more models: {title}</source>
        <translation>Keine weiteren Modelle: {title}</translation>
    </message>
    <message>
        <location line="+195"/>
        <source>BentoSync is still running</source>
        <translation>BentoSync läuft noch</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Transfers go on; the tray icon shows the window.</source>
        <translation>Die Übertragungen laufen weiter; das Symbol im Infobereich zeigt das Fenster.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Quit BentoSync?</source>
        <translation>BentoSync beenden?</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n transfer(s) still running.</source>
        <translation>
            <numerusform>%n Übertragung läuft noch.</numerusform>
            <numerusform>%n Übertragungen laufen noch.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>They stop now, and are listed again the next time you open BentoSync, where they continue from what is already done.</source>
        <translation>
            <numerusform>Sie hält jetzt an und wird beim nächsten Start von BentoSync wieder aufgeführt; dort setzt sie beim bereits Erledigten fort.</numerusform>
            <numerusform>Sie halten jetzt an und werden beim nächsten Start von BentoSync wieder aufgeführt; dort setzen sie beim bereits Erledigten fort.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
</context>
<context>
    <name>ModelOperations</name>
    <message>
        <location filename="../../gui/operations.py" line="+126"/>
        <source>Not pulled</source>
        <extracomment>``(kind, tag, force)`` for every transfer handed to the transfer layer. Any dialog just opened (conflict, delete, import), for tests and for focus. The local store changed (import, delete): list it again. The cloud changed (delete): list it again. ``LocalModel`` made by an import.</extracomment>
        <translation>Nicht heruntergeladen</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Push skipped</source>
        <translation>Upload übersprungen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Pull skipped</source>
        <translation>Download übersprungen</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n version(s) left as it was.</source>
        <translation>
            <numerusform>%n Version blieb unverändert.</numerusform>
            <numerusform>%n Versionen blieben unverändert.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+17"/>
        <source>Here: {size}, %n file(s).</source>
        <translation>
            <numerusform>Hier: {size}, %n Datei.</numerusform>
            <numerusform>Hier: {size}, %n Dateien.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>In the cloud: {summary}.</source>
        <translation>In der Cloud: {summary}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{state}: {reason}</source>
        <translation>{state}: {reason}</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Cannot push {tag}</source>
        <translation>{tag} kann nicht hochgeladen werden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cannot pull {tag}</source>
        <translation>{tag} kann nicht heruntergeladen werden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cannot verify {tag}</source>
        <translation>{tag} kann nicht geprüft werden</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Cannot delete while transferring</source>
        <translation>Löschen während der Übertragung nicht möglich</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>{tags} being transferred; cancel the transfer first.</source>
        <translation>
            <numerusform>{tags} wird gerade übertragen; brechen Sie zuerst die Übertragung ab.</numerusform>
            <numerusform>{tags} werden gerade übertragen; brechen Sie zuerst die Übertragung ab.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+106"/>
        <source>this computer</source>
        <translation>dieser Computer</translation>
    </message>
    <message>
        <location line="-87"/>
        <source>a Hugging Face reference</source>
        <translation>ein Hugging-Face-Verweis</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>upload {status}</source>
        <translation>Upload: {status}</translation>
    </message>
    <message>
        <location line="+23"/>
        <location line="+9"/>
        <source>Cannot replace {tag}</source>
        <translation>{tag} kann nicht ersetzt werden</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>{tag} is being transferred; wait for it or cancel it first.</source>
        <translation>{tag} wird gerade übertragen; warten Sie oder brechen Sie zuerst ab.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>It is no longer on this computer, so there is nothing to push.</source>
        <translation>Es ist nicht mehr auf diesem Computer, es gibt also nichts hochzuladen.</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Cannot delete</source>
        <translation>Löschen nicht möglich</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Not connected to a registry.</source>
        <translation>Mit keiner Registry verbunden.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Deleted</source>
        <translation>Gelöscht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{tags} from {where}</source>
        <translation>{tags} (Ort: {where})</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Delete failed</source>
        <translation>Löschen fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Imported</source>
        <translation>Importiert</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>{tag} ({size}, %n file(s)) from {folder}</source>
        <translation>
            <numerusform>{tag} ({size}, %n Datei) aus {folder}</numerusform>
            <numerusform>{tag} ({size}, %n Dateien) aus {folder}</numerusform>
        </translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Could not import {folder}</source>
        <translation>{folder} ließ sich nicht importieren</translation>
    </message>
</context>
<context>
    <name>ModelPane</name>
    <message>
        <location filename="../../gui/widgets/model_pane.py" line="+74"/>
        <source>No models</source>
        <extracomment>Right-click (or the menu key) on the table, at this global position. The selected rows changed (or their records did). The user clicked or tabbed into this pane: actions now act on it.</extracomment>
        <translation>Keine Modelle</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Filter models</source>
        <translation>Modelle filtern</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Show models whose name, version or labels contain every word</source>
        <translation>Modelle zeigen, deren Name, Version oder Labels jedes Wort enthalten</translation>
    </message>
    <message numerus="yes">
        <location line="+304"/>
        <source>{count} model(s)</source>
        <translation>
            <numerusform>{count} Modell</numerusform>
            <numerusform>{count} Modelle</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>{shown} of {count} model(s)</source>
        <translation>
            <numerusform>{shown} von {count} Modell</numerusform>
            <numerusform>{shown} von {count} Modellen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+11"/>
        <source>Clear the filter (Esc) to see all {count} model(s).</source>
        <translation>
            <numerusform>Leeren Sie den Filter (Esc), um das {count} Modell zu sehen.</numerusform>
            <numerusform>Leeren Sie den Filter (Esc), um alle {count} Modelle zu sehen.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Loading models…</source>
        <translation>Modelle werden geladen…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No models match “{filter}”</source>
        <translation>Keine Modelle passen zu „{filter}“</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../gui/dialogs/settings_dialog.py" line="+45"/>
        <source>Transfer Settings</source>
        <translation>Übertragungseinstellungen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>How many pushes, pulls and verifications run at the same time</source>
        <translation>Wie viele Uploads, Downloads und Prüfungen gleichzeitig laufen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Parts of one push uploaded in parallel (multipart servers)</source>
        <translation>Teile eines Uploads, die parallel hochgeladen werden (Multipart-Server)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> MiB</source>
        <translation> MiB</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Size of each uploaded part; larger parts mean fewer requests, smaller parts lose less when a connection drops</source>
        <translation>Größe jedes hochgeladenen Teils; größere Teile bedeuten weniger Anfragen, kleinere verlieren weniger, wenn eine Verbindung abbricht</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Concurrent transfers:</source>
        <translation>&amp;Gleichzeitige Übertragungen:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Threads per transfer:</source>
        <translation>&amp;Threads pro Übertragung:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Part size:</source>
        <translation>Teil&amp;größe:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Resume interrupted transfers when BentoSync starts</source>
        <translation>Unterbrochene Übertragungen beim Start von BentoSync &amp;fortsetzen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Pushes and pulls that were running when BentoSync closed or crashed are listed again at start; with this, they also resume by themselves.</source>
        <translation>Uploads und Downloads, die liefen, als BentoSync beendet wurde oder abstürzte, werden beim Start wieder aufgeführt; mit dieser Option setzen sie auch von selbst fort.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Keep running in the tray while transfers run</source>
        <translation>Im &amp;Infobereich weiterlaufen, solange Übertragungen laufen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Closing the window while transfers run hides it to the tray instead of asking to stop them (where the desktop has a tray).</source>
        <translation>Schließen des Fensters während laufender Übertragungen verbirgt es im Infobereich, statt zu fragen, ob sie anhalten sollen (wo die Arbeitsumgebung einen Infobereich hat).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Changes apply to transfers started from now on.</source>
        <translation>Änderungen gelten für Übertragungen, die ab jetzt starten.</translation>
    </message>
</context>
<context>
    <name>StoreProblems</name>
    <message numerus="yes">
        <location filename="../../gui/local_listing.py" line="-187"/>
        <source>…and %n more</source>
        <translation>
            <numerusform>…und %n weiterer</numerusform>
            <numerusform>…und %n weitere</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SyncState</name>
    <message>
        <location filename="../../gui/models/sync_display.py" line="+70"/>
        <source>In sync</source>
        <extracomment>Roles the Sync column answers itself; the rest go to the record&apos;s renderer. Sorting by the Sync column groups what needs attention first.</extracomment>
        <translation>Synchron</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Local only</source>
        <translation>Nur lokal</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cloud only</source>
        <translation>Nur in der Cloud</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Differs</source>
        <translation>Abweichend</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Not compared yet: both sides must be listed first.</source>
        <translation>Noch nicht verglichen: zuerst müssen beide Seiten aufgelistet sein.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Verified: {reason}</source>
        <translation>Verifiziert: {reason}</translation>
    </message>
</context>
<context>
    <name>TableHeader</name>
    <message>
        <location filename="../../gui/models/cloud_models.py" line="-44"/>
        <location filename="../../gui/models/local_models.py" line="-106"/>
        <location filename="../../gui/models/transfer_cells.py" line="-45"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../gui/models/local_models.py" line="+1"/>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../gui/models/files_model.py" line="-176"/>
        <location filename="../../gui/models/local_models.py" line="+1"/>
        <location filename="../../gui/models/transfer_cells.py" line="+2"/>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../gui/models/local_models.py" line="+1"/>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../gui/models/local_models.py" line="+1"/>
        <source>Sync</source>
        <translation>Sync</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../gui/models/local_models.py" line="+1"/>
        <source>Labels</source>
        <translation>Labels</translation>
    </message>
    <message>
        <location filename="../../gui/models/files_model.py" line="-1"/>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <location filename="../../gui/models/local_models.py" line="+1"/>
        <source>Module</source>
        <translation>Modul</translation>
    </message>
    <message>
        <location filename="../../gui/models/transfer_cells.py" line="-1"/>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Speed</source>
        <translation>Tempo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ETA</source>
        <translation>Restzeit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Checksum</source>
        <translation>Prüfsumme</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
</context>
<context>
    <name>TransferCells</name>
    <message>
        <location line="+25"/>
        <source>no checksum yet</source>
        <extracomment>Progress as a float fraction 0..1 (the delegate draws it; never raw bytes). The job&apos;s ``JobStatus`` value (a plain str: QVariant turns str enums into str), on job rows and the rows below them alike, so the delegate can grey out a failed job&apos;s bars.</extracomment>
        <translation>noch keine Prüfsumme</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>checksum {state}</source>
        <translation>Prüfsumme {state}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{words}: {reason}</source>
        <translation>{words}: {reason}</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>{count} file(s)</source>
        <translation>
            <numerusform>{count} Datei</numerusform>
            <numerusform>{count} Dateien</numerusform>
        </translation>
    </message>
    <message>
        <location line="+47"/>
        <source>{title} (asked for {requested})</source>
        <translation>{title} (angefragt: {requested})</translation>
    </message>
    <message numerus="yes">
        <location line="+36"/>
        <source>{finished} of {count} file(s)</source>
        <translation>
            <numerusform>{finished} von {count} Datei</numerusform>
            <numerusform>{finished} von {count} Dateien</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TransferFormat</name>
    <message>
        <location filename="../../gui/models/transfer_format.py" line="+35"/>
        <source>Delete from Cloud and Push Again…</source>
        <extracomment>The transfers panel&apos;s action for a push refused by ``RecordConflict`` (English source).</extracomment>
        <translation>Aus der Cloud löschen und erneut hochladen…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Push</source>
        <translation>Upload</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Pull</source>
        <translation>Download</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Verify</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>push</source>
        <comment>a job&apos;s kind inside a sentence</comment>
        <translation>Upload</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>pull</source>
        <comment>a job&apos;s kind inside a sentence</comment>
        <translation>Download</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>verify</source>
        <comment>a job&apos;s kind inside a sentence</comment>
        <translation>Prüfung</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+18"/>
        <source>Queued</source>
        <translation>In der Warteschlange</translation>
    </message>
    <message>
        <location line="-17"/>
        <source>Preparing</source>
        <translation>Wird vorbereitet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hashing</source>
        <translation>Prüfsummen werden berechnet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Uploading</source>
        <translation>Wird hochgeladen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Downloading</source>
        <translation>Wird heruntergeladen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Verifying</source>
        <translation>Wird geprüft</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Installing</source>
        <translation>Wird installiert</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+13"/>
        <location line="+105"/>
        <location line="+50"/>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <location line="-167"/>
        <location line="+13"/>
        <source>Skipped</source>
        <translation>Übersprungen</translation>
    </message>
    <message>
        <location line="-12"/>
        <location line="+13"/>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <location line="-12"/>
        <location line="+13"/>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Interrupted</source>
        <translation>Unterbrochen</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Unknown until data moves</source>
        <translation>Unbekannt, bis Daten fließen</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+184"/>
        <source>{eta} left</source>
        <translation>noch {eta}</translation>
    </message>
    <message>
        <location line="-175"/>
        <source>{kind} {tag}</source>
        <translation>{kind} {tag}</translation>
    </message>
    <message numerus="yes">
        <location line="+16"/>
        <source>Interrupted · {done} of {total} file(s) done</source>
        <translation>
            <numerusform>Unterbrochen · {done} von {total} Datei fertig</numerusform>
            <numerusform>Unterbrochen · {done} von {total} Dateien fertig</numerusform>
        </translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Failed: {error}</source>
        <translation>Fehlgeschlagen: {error}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Skipped: {reason}</source>
        <translation>Übersprungen: {reason}</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Done, verified</source>
        <translation>Fertig, verifiziert</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Done, unverified: {reason}</source>
        <translation>Fertig, nicht verifiziert: {reason}</translation>
    </message>
    <message numerus="yes">
        <location line="+15"/>
        <source>Interrupted when BentoSync last closed; {done} of %Ln file(s) were done. Retry resumes it from there.</source>
        <translation>
            <numerusform>Unterbrochen, als BentoSync zuletzt geschlossen wurde; {done} von %Ln Datei war fertig. „Wiederholen“ setzt dort fort.</numerusform>
            <numerusform>Unterbrochen, als BentoSync zuletzt geschlossen wurde; {done} von %Ln Dateien waren fertig. „Wiederholen“ setzt dort fort.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Interrupted when BentoSync last closed; it had not started moving files. Retry resumes it from there.</source>
        <translation>Unterbrochen, als BentoSync zuletzt geschlossen wurde; es hatte noch keine Dateien übertragen. „Wiederholen“ setzt dort fort.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>To replace the cloud version with this computer&apos;s copy, choose “{action}” in this transfer&apos;s context menu or the Transfers toolbar: it asks before deleting {tag} from the cloud.</source>
        <translation>Um die Cloud-Version durch die Kopie dieses Computers zu ersetzen, wählen Sie „{action}“ im Kontextmenü dieser Übertragung oder in der Werkzeugleiste „Übertragungen“: Es fragt nach, bevor {tag} aus der Cloud gelöscht wird.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Stopped</source>
        <translation>Angehalten</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Transferring</source>
        <translation>Wird übertragen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting</source>
        <translation>Wartet</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>No transfers</source>
        <translation>Keine Übertragungen</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>%n transfer(s) finished</source>
        <translation>
            <numerusform>%n Übertragung beendet</numerusform>
            <numerusform>%n Übertragungen beendet</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{finished}, {failed} failed</source>
        <translation>{finished}, {failed} fehlgeschlagen</translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>%n transfer(s) interrupted (Retry resumes)</source>
        <translation>
            <numerusform>%n Übertragung unterbrochen („Wiederholen“ setzt fort)</numerusform>
            <numerusform>%n Übertragungen unterbrochen („Wiederholen“ setzt fort)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>%n transfer(s) running</source>
        <translation>
            <numerusform>%n Übertragung läuft</numerusform>
            <numerusform>%n Übertragungen laufen</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{done} of {total}</source>
        <translation>{done} von {total}</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Push finished</source>
        <translation>Upload abgeschlossen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pull finished</source>
        <translation>Download abgeschlossen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Verify finished</source>
        <translation>Prüfung abgeschlossen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Push skipped</source>
        <translation>Upload übersprungen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pull skipped</source>
        <translation>Download übersprungen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Verify skipped</source>
        <translation>Prüfung übersprungen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Push cancelled</source>
        <translation>Upload abgebrochen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pull cancelled</source>
        <translation>Download abgebrochen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Verify cancelled</source>
        <translation>Prüfung abgebrochen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Push interrupted</source>
        <translation>Upload unterbrochen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pull interrupted</source>
        <translation>Download unterbrochen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Verify interrupted</source>
        <translation>Prüfung unterbrochen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Push of {tag} failed</source>
        <translation>Upload von {tag} fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pull of {tag} failed</source>
        <translation>Download von {tag} fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Verify of {tag} failed</source>
        <translation>Prüfung von {tag} fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>TransferManager</name>
    <message>
        <location filename="../../gui/workers/transfer_manager.py" line="+139"/>
        <source>Job #{id} ({kind} {tag}) is still running.</source>
        <extracomment>A new job (``JobSnapshot``), already queued on the pool. ``list[JobSnapshot]`` of the jobs whose progress or status changed since the last tick. The final ``JobSnapshot`` of a job that ended (done, skipped, failed or cancelled). ``list[JobId]`` of finished jobs dropped by ``clear_finished``, ``remove`` or ``retry``.</extracomment>
        <translation>Auftrag #{id} ({kind} {tag}) läuft noch.</translation>
    </message>
    <message>
        <location line="+77"/>
        <source>Transfers are shutting down; no new job can start.</source>
        <translation>Die Übertragungen werden beendet; es kann kein neuer Auftrag starten.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>waiting to start</source>
        <translation>wartet auf den Start</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{tag} is busy: job #{id} ({kind} {other}) is {state}. Wait for it to finish or cancel it first.</source>
        <translation>{tag} ist belegt: Auftrag #{id} ({kind} {other}) – {state}. Warten Sie, bis er fertig ist, oder brechen Sie ihn zuerst ab.</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>Job #{id} is still running; cancel it first.</source>
        <translation>Auftrag #{id} läuft noch; brechen Sie ihn zuerst ab.</translation>
    </message>
</context>
<context>
    <name>TransfersPanel</name>
    <message>
        <location filename="../../gui/widgets/transfers_panel.py" line="+93"/>
        <location line="+36"/>
        <source>Transfers</source>
        <extracomment>``JobSnapshot`` of a push refused by ``RecordConflict`` whose cloud version the user wants deleted and pushed again (the window asks before deleting).</extracomment>
        <translation>Übertragungen</translation>
    </message>
    <message>
        <location line="-33"/>
        <source>Pushes, pulls and verifications; expand one for its folders and files, each with its progress and checksum state</source>
        <translation>Uploads, Downloads und Prüfungen; aufklappen zeigt Ordner und Dateien, jeweils mit Fortschritt und Prüfsummenstand</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>&amp;Cancel</source>
        <translation>&amp;Abbrechen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stop the selected transfers (Del)</source>
        <translation>Die ausgewählten Übertragungen anhalten (Entf)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Retry</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Run the selected failed or cancelled transfers again (Ctrl+R)</source>
        <translation>Die ausgewählten fehlgeschlagenen oder abgebrochenen Übertragungen erneut ausführen (Strg+R)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>C&amp;lear Finished</source>
        <translation>Beendete &amp;entfernen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Remove finished transfers from the list (Ctrl+Shift+Del)</source>
        <translation>Beendete Übertragungen aus der Liste entfernen (Strg+Umschalt+Entf)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The cloud record of this version was made for other files and cannot be changed: delete the cloud version, then push the copy on this computer again (asks first)</source>
        <translation>Der Cloud-Eintrag dieser Version wurde für andere Dateien angelegt und lässt sich nicht ändern: die Cloud-Version löschen und danach die Kopie auf diesem Computer erneut hochladen (fragt vorher nach)</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <location filename="../../gui/tray.py" line="+45"/>
        <source>&amp;Show BentoSync</source>
        <translation>BentoSync &amp;anzeigen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
</context>
<context>
    <name>WindowActions</name>
    <message>
        <location filename="../../gui/actions.py" line="+71"/>
        <source>List the local store and the cloud again</source>
        <translation>Lokalen Speicher und Cloud neu auflisten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>&amp;Push</source>
        <translation>Hoch&amp;laden</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Upload the selected local models to the cloud</source>
        <translation>Die ausgewählten lokalen Modelle in die Cloud hochladen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>P&amp;ull</source>
        <translation>&amp;Herunterladen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Verify</source>
        <translation>&amp;Prüfen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Re-read the selected local models and compare every file with the cloud&apos;s sha256</source>
        <translation>Die ausgewählten lokalen Modelle neu lesen und jede Datei mit der sha256 der Cloud vergleichen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Delete…</source>
        <translation>&amp;Löschen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete the selected models</source>
        <translation>Die ausgewählten Modelle löschen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Cancel Transfers</source>
        <translation>Übertragungen &amp;abbrechen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel the selected or all transfers</source>
        <translation>Die ausgewählten oder alle Übertragungen abbrechen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Import Folder…</source>
        <translation>Ordner &amp;importieren…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Make a new local model from a folder of files</source>
        <translation>Aus einem Ordner mit Dateien ein neues lokales Modell erstellen</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <location line="+150"/>
        <source>&amp;Copy Tag(s)</source>
        <translation>
            <numerusform>Tag &amp;kopieren</numerusform>
            <numerusform>Tags &amp;kopieren</numerusform>
        </translation>
    </message>
    <message>
        <location line="-149"/>
        <source>Copy the selected tags</source>
        <translation>Die ausgewählten Tags kopieren</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Show in &amp;File Manager</source>
        <translation>Im Datei&amp;manager zeigen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Open the model&apos;s folder</source>
        <translation>Den Ordner des Modells öffnen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Filter Models</source>
        <translation>Modelle &amp;filtern</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Filter the current pane</source>
        <translation>Den aktuellen Bereich filtern</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Log In…</source>
        <translation>An&amp;melden…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Log in to BentoCloud or a compatible registry</source>
        <translation>Bei BentoCloud oder einer kompatiblen Registry anmelden</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Accounts…</source>
        <translation>&amp;Konten…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Switch, add or log out of BentoCloud logins</source>
        <translation>BentoCloud-Anmeldungen wechseln, hinzufügen oder abmelden</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Transfer &amp;Settings…</source>
        <translation>Übertragungs&amp;einstellungen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Concurrent transfers, threads and part size</source>
        <translation>Gleichzeitige Übertragungen, Threads und Teilgröße</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Quit BentoSync</source>
        <translation>BentoSync beenden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;About BentoSync</source>
        <translation>&amp;Über BentoSync</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open &amp;Log Folder</source>
        <translation>&amp;Protokollordner öffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The app&apos;s log files, to send with a bug report</source>
        <translation>Die Protokolldateien der App, zum Mitschicken bei einem Fehlerbericht</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>&amp;Model</source>
        <translation>&amp;Modell</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Transfers</source>
        <translation>&amp;Übertragungen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>&amp;Delete from Cloud…</source>
        <translation>Aus der Cloud &amp;löschen…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Delete from This Computer…</source>
        <translation>Von diesem Computer &amp;löschen…</translation>
    </message>
    <message numerus="yes">
        <location line="+13"/>
        <source>{reason} (and %n more that cannot be pulled)</source>
        <translation>
            <numerusform>{reason} (und %n weiteres, das nicht heruntergeladen werden kann)</numerusform>
            <numerusform>{reason} (und %n weitere, die nicht heruntergeladen werden können)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Download the selected cloud models to this computer</source>
        <translation>Die ausgewählten Cloud-Modelle auf diesen Computer herunterladen</translation>
    </message>
</context>
<context>
    <name>WindowCommands</name>
    <message>
        <location filename="../../gui/window_commands.py" line="+35"/>
        <source>Copied {tags}</source>
        <translation>Kopiert: {tags}</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Cannot Open Folder</source>
        <translation>Ordner kann nicht geöffnet werden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No file manager could open the folder. It is here:</source>
        <translation>Kein Dateimanager konnte den Ordner öffnen. Er liegt hier:</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Import a folder as a model</source>
        <translation>Ordner als Modell importieren</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Push and pull BentoML models between this computer and BentoCloud, with per-file checksums and resumable transfers.</source>
        <translation>BentoML-Modelle zwischen diesem Computer und BentoCloud hoch- und herunterladen, mit Prüfsummen für jede Datei und fortsetzbaren Übertragungen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Licence: {licence}</source>
        <translation>Lizenz: {licence}</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>About BentoSync</source>
        <translation>Über BentoSync</translation>
    </message>
</context>
</TS>
