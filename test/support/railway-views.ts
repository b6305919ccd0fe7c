/** What the end-to-end tests read of the emulator's store, by name: the live project, its environments, a service's deployments. */
import type { RailwayEmulator } from "../../tools/railway-emulator";

export function railwayViews(emu: () => RailwayEmulator) {
    const project = () => [...emu().store.projects.values()].find((p) => !p.deletedAt)!;
    const env = (name: string) =>
        emu()
            .store.liveEnvironments(project().id)
            .find((e) => e.name === name);
    const service = (name: string) => [...emu().store.services.values()].find((x) => x.name === name)!;
    /** The service's deployments in the environment, oldest first. */
    const deploymentsIn = (environment: string, name = "web") =>
        [...emu().store.deployments.values()]
            .filter((d) => d.environmentId === env(environment)?.id && d.serviceId === service(name).id)
            .sort((a, b) => a.createdAt - b.createdAt);
    return { project, env, service, deploymentsIn };
}
