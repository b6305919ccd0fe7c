/**
 * A volume's backup before anything that could lose its data (deleting it, moving it to another
 * service or path): Railway's `volumeInstanceBackupCreate`, a workflow, waited for (bounded) and
 * found in the instance's backup list by its name. Fail closed: a backup that fails or does not
 * finish in time stops the change before anything is touched, saying why and how to go on.
 */
import { gql } from "./api";
import { reportProgress } from "./progress";

export interface VolumeBackup {
    id: string;
    name: string;
    createdAt: string;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const envMs = (name: string, fallback: number) => {
    const v = Number(process.env[name]);
    return Number.isFinite(v) && v > 0 ? v : fallback;
};

/**
 * Backs up a volume instance and returns the backup. `what` says what is about to happen ("deleting
 * it"), for the backup's name and the log line. RAILWAY_BACKUP_TIMEOUT_MS (10 minutes) bounds the
 * wait; RAILWAY_BACKUP_POLL_MS (2 s) is how often the workflow is looked at.
 */
export async function backupVolumeInstance(
    apiUrl: string | undefined,
    volumeInstanceId: string,
    what: string,
    now = () => new Date(),
): Promise<VolumeBackup> {
    const name = `pulumi: before ${what}, ${now().toISOString()}`;
    const refuse = (why: string) =>
        new Error(
            `the volume instance ${volumeInstanceId} could not be backed up before ${what} (${why}), so nothing was changed: ` +
                "take a backup in Railway's dashboard and run again, or set the service's volume.backupBeforeChange to false to go on without one",
        );
    const { volumeInstanceBackupCreate } = await gql(
        apiUrl,
        "VolumeInstanceBackupCreate",
        { volumeInstanceId, name },
        { retryMutation: false },
    ).catch((e: Error) => {
        throw refuse(e.message);
    });
    const workflowId = volumeInstanceBackupCreate.workflowId;
    if (!workflowId) throw refuse("Railway started no backup workflow");
    const deadline = Date.now() + envMs("RAILWAY_BACKUP_TIMEOUT_MS", 10 * 60_000);
    for (;;) {
        const { workflowStatus } = await gql(apiUrl, "WorkflowStatus", { workflowId });
        if (workflowStatus.status === "Complete") break;
        if (workflowStatus.status !== "Running")
            throw refuse(
                `its workflow ended ${workflowStatus.status}${workflowStatus.error ? `: ${workflowStatus.error}` : ""}`,
            );
        if (Date.now() >= deadline) throw refuse("it did not finish in time (RAILWAY_BACKUP_TIMEOUT_MS)");
        await pause(envMs("RAILWAY_BACKUP_POLL_MS", 2000));
    }
    const { volumeInstanceBackupList } = await gql(apiUrl, "VolumeInstanceBackupList", { volumeInstanceId });
    const backup = volumeInstanceBackupList.find((b) => b.name === name);
    if (!backup) throw refuse("its workflow finished but the backup is not in the list");
    const taken = { id: backup.id, name, createdAt: backup.createdAt };
    reportProgress(`railway: backup ${taken.id} of volume instance ${volumeInstanceId} taken: '${name}'`);
    return taken;
}
