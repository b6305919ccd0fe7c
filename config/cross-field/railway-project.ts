/**
 * The Railway project's ownership is consistent: a stack that owns the project (and so creates it)
 * knows its workspace and names no existing project; only a stack that shares a project duplicates
 * an environment into it, and never its own.
 */
import { CrossFieldRule, issueAt, ownsRailwayProject } from "./view";

export const railwayProjectRule: CrossFieldRule = ({ railway }) => {
    if (!railway) return [];
    const issues = [];
    const owner = ownsRailwayProject(railway);
    if (owner && !railway.workspaceId && !railway.projectId && !railway.apiUrl)
        issues.push(
            issueAt(
                ["railway", "workspaceId"],
                "is required to create the project (this stack owns it)",
                "set the Railway workspace id: pulumi config set --path railway.workspaceId <id>; or share a project another stack owns with railway.ownsProject: false",
            ),
        );
    if (railway.ownsProject === true && railway.projectId !== undefined)
        issues.push(
            issueAt(
                ["railway", "ownsProject"],
                "is true, but railway.projectId names an existing project: a stack that owns the project creates it",
                "remove railway.projectId to create and own the project, or set railway.ownsProject to false to share it",
            ),
        );
    if (railway.duplicateFrom !== undefined && owner)
        issues.push(
            issueAt(
                ["railway", "duplicateFrom"],
                "only applies to a stack that shares a project: the owner's environment comes with the project it creates",
                "remove railway.duplicateFrom, or set railway.ownsProject to false",
            ),
        );
    if (railway.duplicateFrom !== undefined && railway.duplicateFrom === railway.environment)
        issues.push(
            issueAt(
                ["railway", "duplicateFrom"],
                `names the stack's own environment '${railway.duplicateFrom}'`,
                "name the environment to duplicate, such as staging",
            ),
        );
    return issues;
};
