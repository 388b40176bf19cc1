<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>ChecksumWords</name>
    <message numerus="yes">
        <location filename="../../gui/delegates/checksum_icons.py" line="+140"/>
        <source>All {count} file(s) {state}: {reason}</source>
        <translation>
            <numerusform>{count} file {state}: {reason}</numerusform>
            <numerusform>All {count} files {state}: {reason}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>{verified} of %n file(s) verified</source>
        <translation>
            <numerusform>{verified} of %n files verified</numerusform>
            <numerusform>{verified} of %n files verified</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CloudDescribe</name>
    <message numerus="yes">
        <location filename="../../gui/models/cloud_describe.py" line="+72"/>
        <source>{count} file(s)</source>
        <translation>
            <numerusform>{count} file</numerusform>
            <numerusform>{count} files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+48"/>
        <source>The sha256 of each of its {count} file(s), checked by the server against the uploaded archive.</source>
        <translation>
            <numerusform>The sha256 of each of its {count} file, checked by the server against the uploaded archive.</numerusform>
            <numerusform>The sha256 of each of its {count} files, checked by the server against the uploaded archive.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>The sha256 of each of its {count} file(s), recorded when it was pushed (this server does not check uploads; every pull checks them).</source>
        <translation>
            <numerusform>The sha256 of each of its {count} file, recorded when it was pushed (this server does not check uploads; every pull checks them).</numerusform>
            <numerusform>The sha256 of each of its {count} files, recorded when it was pushed (this server does not check uploads; every pull checks them).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>One sha256 over all {count} file(s), which are too many to list one by one. A pull or Verify checks the model as a whole; single files cannot be compared.</source>
        <translation>
            <numerusform>One sha256 over all {count} file, which are too many to list one by one. A pull or Verify checks the model as a whole; single files cannot be compared.</numerusform>
            <numerusform>One sha256 over all {count} files, which are too many to list one by one. A pull or Verify checks the model as a whole; single files cannot be compared.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+126"/>
        <source>Computed here and compared as a whole with the cloud&apos;s one sha256 over all {count} file(s); single files cannot be compared.</source>
        <translation>
            <numerusform>Computed here and compared as a whole with the cloud&apos;s one sha256 over all {count} file; single files cannot be compared.</numerusform>
            <numerusform>Computed here and compared as a whole with the cloud&apos;s one sha256 over all {count} files; single files cannot be compared.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CloudPane</name>
    <message numerus="yes">
        <location filename="../../gui/widgets/cloud_pane.py" line="+99"/>
        <source>{loaded} of {total} matching model(s)</source>
        <translation>
            <numerusform>{loaded} of {total} matching model</numerusform>
            <numerusform>{loaded} of {total} matching models</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>{loaded} of {total} model(s)</source>
        <translation>
            <numerusform>{loaded} of {total} model</numerusform>
            <numerusform>{loaded} of {total} models</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>{count} matching model(s)</source>
        <translation>
            <numerusform>{count} matching model</numerusform>
            <numerusform>{count} matching models</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>{count} model(s)</source>
        <translation>
            <numerusform>{count} model</numerusform>
            <numerusform>{count} models</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message numerus="yes">
        <location filename="../../gui/dialogs/conflict_dialog.py" line="+109"/>
        <source>Do the same for the %n other conflict(s)</source>
        <translation>
            <numerusform>Do the same for the %n other conflict</numerusform>
            <numerusform>Do the same for the %n other conflicts</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DeletionWords</name>
    <message numerus="yes">
        <location filename="../../gui/dialogs/delete_dialog.py" line="+65"/>
        <source>{count} file(s)</source>
        <translation>
            <numerusform>{count} file</numerusform>
            <numerusform>{count} files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+68"/>
        <source>…and %n more (see details)</source>
        <translation>
            <numerusform>…and %n more (see details)</numerusform>
            <numerusform>…and %n more (see details)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Delete %n model version(s) ({size}, {files}) from {where}?</source>
        <translation>
            <numerusform>Delete %n model version ({size}, {files}) from {where}?</numerusform>
            <numerusform>Delete %n model versions ({size}, {files}) from {where}?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DetailsPanel</name>
    <message numerus="yes">
        <location filename="../../gui/widgets/details_panel.py" line="+339"/>
        <source>{count} file(s) covered by one checksum</source>
        <translation>
            <numerusform>{count} file covered by one checksum</numerusform>
            <numerusform>{count} files covered by one checksum</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>The cloud keeps one sha256 over all {count} file(s) ({size}) instead of a list: a list of this many files would not fit in its record. Single files cannot be compared; a pull checks the whole model against it, and selecting the local copy compares it as a whole.

sha256 of the whole model: {digest}</source>
        <translation>
            <numerusform>The cloud keeps one sha256 over all {count} file ({size}) instead of a list: a list of this many files would not fit in its record. Single files cannot be compared; a pull checks the whole model against it, and selecting the local copy compares it as a whole.

sha256 of the whole model: {digest}</numerusform>
            <numerusform>The cloud keeps one sha256 over all {count} files ({size}) instead of a list: a list of this many files would not fit in its record. Single files cannot be compared; a pull checks the whole model against it, and selecting the local copy compares it as a whole.

sha256 of the whole model: {digest}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+17"/>
        <source>{count} file(s), sha256 as the server checked them</source>
        <translation>
            <numerusform>{count} file, sha256 as the server checked them</numerusform>
            <numerusform>{count} files, sha256 as the server checked them</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>{count} file(s), sha256 as recorded when it was pushed (this server does not check uploads)</source>
        <translation>
            <numerusform>{count} file, sha256 as recorded when it was pushed (this server does not check uploads)</numerusform>
            <numerusform>{count} files, sha256 as recorded when it was pushed (this server does not check uploads)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+18"/>
        <source>{count} file(s) hashed here (no cloud copy)</source>
        <translation>
            <numerusform>{count} file hashed here (no cloud copy)</numerusform>
            <numerusform>{count} files hashed here (no cloud copy)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>{count} file(s) hashed here (the cloud entry is a Hugging Face reference)</source>
        <translation>
            <numerusform>{count} file hashed here (the cloud entry is a Hugging Face reference)</numerusform>
            <numerusform>{count} files hashed here (the cloud entry is a Hugging Face reference)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>{count} file(s) hashed here (the cloud copy has no checksums to compare with)</source>
        <translation>
            <numerusform>{count} file hashed here (the cloud copy has no checksums to compare with)</numerusform>
            <numerusform>{count} files hashed here (the cloud copy has no checksums to compare with)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+10"/>
        <source>All {count} file(s) match the cloud copy as a whole (one sha256 over the whole model)</source>
        <translation>
            <numerusform>All {count} file match the cloud copy as a whole (one sha256 over the whole model)</numerusform>
            <numerusform>All {count} files match the cloud copy as a whole (one sha256 over the whole model)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+22"/>
        <source>{bad} of {count} file(s) differ from the cloud copy</source>
        <translation>
            <numerusform>{bad} of {count} files differ from the cloud copy</numerusform>
            <numerusform>{bad} of {count} files differ from the cloud copy</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>All {count} file(s) match the cloud copy, sha256 by sha256</source>
        <translation>
            <numerusform>All {count} file match the cloud copy, sha256 by sha256</numerusform>
            <numerusform>All {count} files match the cloud copy, sha256 by sha256</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DropBanner</name>
    <message numerus="yes">
        <location filename="../../gui/dnd.py" line="+40"/>
        <source>Pull %n model(s) to this computer</source>
        <translation>
            <numerusform>Pull %n model to this computer</numerusform>
            <numerusform>Pull %n models to this computer</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>(%n model(s) cannot be pulled and will be left out)</source>
        <translation>
            <numerusform>(%n model cannot be pulled and will be left out)</numerusform>
            <numerusform>(%n models cannot be pulled and will be left out)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>Import %n folder(s) as a new model</source>
        <translation>
            <numerusform>Import %n folder as a new model</numerusform>
            <numerusform>Import %n folders as a new model</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+19"/>
        <source>None of these %n models can be pulled. {reason}</source>
        <translation>
            <numerusform>None of these %n models can be pulled. {reason}</numerusform>
            <numerusform>None of these %n models can be pulled. {reason}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>Push %n model(s) to {where}</source>
        <translation>
            <numerusform>Push %n model to {where}</numerusform>
            <numerusform>Push %n models to {where}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>Import %n folder(s) and push to {where}</source>
        <translation>
            <numerusform>Import %n folder and push to {where}</numerusform>
            <numerusform>Import %n folders and push to {where}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EngineWords</name>
    <message numerus="yes">
        <location filename="../../gui/engine_words.py" line="+57"/>
        <source>%n file(s) differ ({names})</source>
        <translation>
            <numerusform>%n file differs ({names})</numerusform>
            <numerusform>%n files differ ({names})</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%n only here ({names})</source>
        <translation>
            <numerusform>%n only here ({names})</numerusform>
            <numerusform>%n only here ({names})</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%n only in the cloud ({names})</source>
        <translation>
            <numerusform>%n only in the cloud ({names})</numerusform>
            <numerusform>%n only in the cloud ({names})</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%n file(s) of {size} here</source>
        <translation>
            <numerusform>%n file of {size} here</numerusform>
            <numerusform>%n files of {size} here</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%n file(s) of {size} in the cloud</source>
        <translation>
            <numerusform>%n file of {size} in the cloud</numerusform>
            <numerusform>%n files of {size} in the cloud</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>the same %n file(s) by count and size, with other contents (the cloud keeps one checksum for the whole model, so the file cannot be named)</source>
        <translation>
            <numerusform>the same %n file by count and size, with other contents (the cloud keeps one checksum for the whole model, so the file cannot be named)</numerusform>
            <numerusform>the same %n files by count and size, with other contents (the cloud keeps one checksum for the whole model, so the file cannot be named)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+45"/>
        <source>All %n file(s) have the same sha256 on both sides.</source>
        <translation>
            <numerusform>The only file has the same sha256 on both sides.</numerusform>
            <numerusform>All %n files have the same sha256 on both sides.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>All %n file(s) match the cloud&apos;s whole-model sha256 on both sides.</source>
        <translation>
            <numerusform>The only file matches the cloud&apos;s whole-model sha256 on both sides.</numerusform>
            <numerusform>All %n files match the cloud&apos;s whole-model sha256 on both sides.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%n file(s) here, {cloud} in the cloud.</source>
        <translation>
            <numerusform>%n file here, {cloud} in the cloud.</numerusform>
            <numerusform>%n files here, {cloud} in the cloud.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+71"/>
        <source>Pushed {tag} (%n file(s), every file verified by the server)</source>
        <translation>
            <numerusform>Pushed {tag} (%n file, every file verified by the server)</numerusform>
            <numerusform>Pushed {tag} (%n files, every file verified by the server)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>Pushed {tag} (%n file(s), verified as a whole by the server)</source>
        <translation>
            <numerusform>Pushed {tag} (%n file, verified as a whole by the server)</numerusform>
            <numerusform>Pushed {tag} (%n files, verified as a whole by the server)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>Pushed {tag} (%n file(s), checksums recorded for every pull to check; the server does not check uploads)</source>
        <translation>
            <numerusform>Pushed {tag} (%n file, checksums recorded for every pull to check; the server does not check uploads)</numerusform>
            <numerusform>Pushed {tag} (%n files, checksums recorded for every pull to check; the server does not check uploads)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>Pushed {tag} (%n file(s), unverified: the server keeps no checksums of this version)</source>
        <translation>
            <numerusform>Pushed {tag} (%n file, unverified: the server keeps no checksums of this version)</numerusform>
            <numerusform>Pushed {tag} (%n files, unverified: the server keeps no checksums of this version)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>Pulled {tag} (%n file(s), every file verified)</source>
        <translation>
            <numerusform>Pulled {tag} (%n file, every file verified)</numerusform>
            <numerusform>Pulled {tag} (%n files, every file verified)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Pulled {tag} (%n file(s), verified as a whole)</source>
        <translation>
            <numerusform>Pulled {tag} (%n file, verified as a whole)</numerusform>
            <numerusform>Pulled {tag} (%n files, verified as a whole)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>Pulled {tag} (%n file(s), unverified: the server keeps no checksums; their total size was checked)</source>
        <translation>
            <numerusform>Pulled {tag} (%n file, unverified: the server keeps no checksums; their total size was checked)</numerusform>
            <numerusform>Pulled {tag} (%n files, unverified: the server keeps no checksums; their total size was checked)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>{tag}: all %n file(s) match the cloud.</source>
        <translation>
            <numerusform>{tag}: the only file matches the cloud.</numerusform>
            <numerusform>{tag}: all %n files match the cloud.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FileCount</name>
    <message numerus="yes">
        <location filename="../../gui/widgets/details_panel.py" line="-347"/>
        <source>{count} file(s)</source>
        <translation>
            <numerusform>{count} file</numerusform>
            <numerusform>{count} files</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FilesModel</name>
    <message numerus="yes">
        <location filename="../../gui/models/files_model.py" line="+93"/>
        <source>The whole model matches the cloud&apos;s one sha256 over its {count} file(s)</source>
        <translation>
            <numerusform>The whole model matches the cloud&apos;s one sha256 over its {count} file</numerusform>
            <numerusform>The whole model matches the cloud&apos;s one sha256 over its {count} files</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LocalListing</name>
    <message numerus="yes">
        <location filename="../../gui/local_listing.py" line="+212"/>
        <source>{count} model(s) · {size} in {path}</source>
        <translation>
            <numerusform>{count} model · {size} in {path}</numerusform>
            <numerusform>{count} models · {size} in {path}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>%n broken entry(s)</source>
        <translation>
            <numerusform>%n broken entry</numerusform>
            <numerusform>%n broken entries</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+17"/>
        <source>%n folder(s) under {path} not a loadable model.</source>
        <translation>
            <numerusform>%n folder under {path} is not a loadable model.</numerusform>
            <numerusform>%n folders under {path} are not a loadable model.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LocalModelTableModel</name>
    <message numerus="yes">
        <location filename="../../gui/models/local_models.py" line="+120"/>
        <source>{bytes} bytes in {count} file(s)</source>
        <translation>
            <numerusform>{bytes} bytes in {count} file</numerusform>
            <numerusform>{bytes} bytes in {count} files</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <location filename="../../gui/main_window.py" line="+638"/>
        <source>%n transfer(s) still running.</source>
        <translation>
            <numerusform>%n transfer is still running.</numerusform>
            <numerusform>%n transfers are still running.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>They stop now, and are listed again the next time you open BentoSync, where they continue from what is already done.</source>
        <translation>
            <numerusform>It stops now, and is listed again the next time you open BentoSync, where it continues from what is already done.</numerusform>
            <numerusform>They stop now, and are listed again the next time you open BentoSync, where they continue from what is already done.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ModelOperations</name>
    <message numerus="yes">
        <location filename="../../gui/operations.py" line="+153"/>
        <source>%n version(s) left as it was.</source>
        <translation>
            <numerusform>%n version left as it was.</numerusform>
            <numerusform>%n versions left as they were.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+17"/>
        <source>Here: {size}, %n file(s).</source>
        <translation>
            <numerusform>Here: {size}, %n file.</numerusform>
            <numerusform>Here: {size}, %n files.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+52"/>
        <source>{tags} being transferred; cancel the transfer first.</source>
        <translation>
            <numerusform>{tags} is being transferred; cancel the transfer first.</numerusform>
            <numerusform>{tags} are being transferred; cancel the transfer first.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+163"/>
        <source>{tag} ({size}, %n file(s)) from {folder}</source>
        <translation>
            <numerusform>{tag} ({size}, %n file) from {folder}</numerusform>
            <numerusform>{tag} ({size}, %n files) from {folder}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ModelPane</name>
    <message numerus="yes">
        <location filename="../../gui/widgets/model_pane.py" line="+399"/>
        <source>{count} model(s)</source>
        <translation>
            <numerusform>{count} model</numerusform>
            <numerusform>{count} models</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>{shown} of {count} model(s)</source>
        <translation>
            <numerusform>{shown} of {count} model</numerusform>
            <numerusform>{shown} of {count} models</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+11"/>
        <source>Clear the filter (Esc) to see all {count} model(s).</source>
        <translation>
            <numerusform>Clear the filter (Esc) to see all {count} model.</numerusform>
            <numerusform>Clear the filter (Esc) to see all {count} models.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StoreProblems</name>
    <message numerus="yes">
        <location filename="../../gui/local_listing.py" line="-181"/>
        <source>…and %n more</source>
        <translation>
            <numerusform>…and %n more</numerusform>
            <numerusform>…and %n more</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TransferCells</name>
    <message numerus="yes">
        <location filename="../../gui/models/transfer_cells.py" line="+85"/>
        <source>{count} file(s)</source>
        <translation>
            <numerusform>{count} file</numerusform>
            <numerusform>{count} files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+83"/>
        <source>{finished} of {count} file(s)</source>
        <translation>
            <numerusform>{finished} of {count} file</numerusform>
            <numerusform>{finished} of {count} files</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TransferFormat</name>
    <message numerus="yes">
        <location filename="../../gui/models/transfer_format.py" line="+138"/>
        <source>Interrupted · {done} of {total} file(s) done</source>
        <translation>
            <numerusform>Interrupted · {done} of {total} files done</numerusform>
            <numerusform>Interrupted · {done} of {total} files done</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+67"/>
        <source>Interrupted when BentoSync last closed; {done} of %Ln file(s) were done. Retry resumes it from there.</source>
        <translation>
            <numerusform>Interrupted when BentoSync last closed; {done} of %Ln file was done. Retry resumes it from there.</numerusform>
            <numerusform>Interrupted when BentoSync last closed; {done} of %Ln files were done. Retry resumes it from there.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+64"/>
        <source>%n transfer(s) finished</source>
        <translation>
            <numerusform>%n transfer finished</numerusform>
            <numerusform>%n transfers finished</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>%n transfer(s) interrupted (Retry resumes)</source>
        <translation>
            <numerusform>%n transfer interrupted (Retry resumes)</numerusform>
            <numerusform>%n transfers interrupted (Retry resumes)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>%n transfer(s) running</source>
        <translation>
            <numerusform>%n transfer running</numerusform>
            <numerusform>%n transfers running</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WindowActions</name>
    <message numerus="yes">
        <location filename="../../gui/actions.py" line="+111"/>
        <location line="+150"/>
        <source>&amp;Copy Tag(s)</source>
        <translation>
            <numerusform>&amp;Copy Tag</numerusform>
            <numerusform>&amp;Copy Tags</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+10"/>
        <source>{reason} (and %n more that cannot be pulled)</source>
        <translation>
            <numerusform>{reason} (and %n more that cannot be pulled)</numerusform>
            <numerusform>{reason} (and %n more that cannot be pulled)</numerusform>
        </translation>
    </message>
</context>
</TS>
