/** A refused API call, as the console tells it: a sentence a person can act on, and the fields to mark. */
export type Problem = { status: number; words: string; fields: Record<string, string> };

type ErrorBody = { message?: string; errors?: Array<{ field: string; message: string }> } | undefined;

/**
 * Turns an ops API error into plain words. 403 says why you may not (the role, or four-eyes);
 * 409 says whether someone else decided, holds the task, or the flow stopped waiting; 400 names the
 * fields (`reason`, `data.trackingNumber`) so the form can mark them.
 */
export function explain(status: number, body: ErrorBody, what = 'this task'): Problem {
  const message = body?.message ?? '';
  const fields = Object.fromEntries((body?.errors ?? []).map((e) => [e.field, e.message]));
  const words = (() => {
    switch (status) {
      case 400:
        return `Some of what you entered needs fixing: ${(body?.errors ?? []).map((e) => e.message).join('; ') || message}.`;
      case 401:
        return 'Your sign-in is no longer valid. Sign in again.';
      case 403: {
        const fourEyes = /already decided the (\S+) task/.exec(message);
        if (fourEyes) return `Four-eyes rule: you already decided the ${fourEyes[1]} step of this case, so a second person must decide this one.`;
        const role = /needs the role (\S+)/.exec(message);
        if (role) return `You may not open ${what}: it is for the role ${role[1]}, which you do not have.`;
        return `You may not do this: ${message || 'your roles do not allow it'}.`;
      }
      case 404:
        return `There is no such ${what.replace(/^this /, '')}: ${message}.`;
      case 409: {
        if (/stopped waiting|is expired/.test(message)) return 'Too late: the flow stopped waiting for this task (its time ran out), so your decision was not applied.';
        if (/is completed/.test(message)) return 'Someone else already decided this task; your decision was not applied.';
        const holder = /claimed by (\S+)/.exec(message);
        if (holder) return `${holder[1]} has claimed this task: only they can decide or release it now.`;
        if (/not claimed/.test(message)) return 'This task is not claimed, so there is nothing to release.';
        return `The task changed meanwhile (${message}). Reload it and try again.`;
      }
      default:
        return `The ops API could not answer (${status}${message ? `: ${message}` : ''}). Try again in a moment.`;
    }
  })();
  return { status, words, fields };
}
