package dev.cairn.git.audit;

import dev.cairn.git.RemoteCredentials;
import dev.cairn.git.internal.RemoteText;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.TagOpt;

/**
 * The application's remote as the audit log sees it: fetches into the local cache repository,
 * pushes without force, and tells a lost race (try again on the new tips) from a refusal.
 */
final class AuditRemote {

  /** What became of one push. */
  sealed interface PushOutcome {
    /** Every ref was updated (or already up to date). */
    record Accepted() implements PushOutcome {}

    /**
     * Another writer moved a ref first (or held its lock): rebuild on the newly fetched tips and
     * push again.
     *
     * @param refs which refs, e.g. {@code refs/heads/cairn/audit moved on}
     */
    record MovedOn(String refs) implements PushOutcome {}

    /**
     * The remote refused for another reason; retrying at once would not help.
     *
     * @param message why, for the delivery status (credentials redacted)
     */
    record Refused(String message) implements PushOutcome {}
  }

  private final Repository repository;
  private final String remote;
  private final String remoteForDisplay;
  private final Supplier<RemoteCredentials> credentials;
  private final int timeoutSeconds;

  AuditRemote(
      Repository repository,
      String remote,
      Supplier<RemoteCredentials> credentials,
      int timeoutSeconds) {
    this.repository = repository;
    this.remote = remote;
    this.remoteForDisplay = RemoteText.displayForm(remote);
    this.credentials = credentials;
    this.timeoutSeconds = timeoutSeconds;
  }

  /** The remote for messages: no credentials in it. */
  String displayForm() {
    return remoteForDisplay;
  }

  Repository repository() {
    return repository;
  }

  void fetch(List<RefSpec> refSpecs) throws Exception {
    try (Git git = Git.wrap(repository)) {
      git.fetch()
          .setRemote(remote)
          .setRefSpecs(refSpecs)
          .setTagOpt(TagOpt.NO_TAGS)
          .setRemoveDeletedRefs(true)
          .setTimeout(timeoutSeconds)
          .setCredentialsProvider(RemoteText.credentialsProvider(credentials))
          .call();
    }
  }

  /** Pushes without force. */
  PushOutcome push(List<RefSpec> specs) throws Exception {
    Iterable<PushResult> results;
    try (Git git = Git.wrap(repository)) {
      results =
          git.push()
              .setRemote(remote)
              .setRefSpecs(specs)
              .setForce(false)
              .setTimeout(timeoutSeconds)
              .setCredentialsProvider(RemoteText.credentialsProvider(credentials))
              .call();
    }
    boolean retry = false;
    StringBuilder problems = new StringBuilder();
    for (PushResult result : results) {
      for (RemoteRefUpdate u : result.getRemoteUpdates()) {
        switch (u.getStatus()) {
          case OK, UP_TO_DATE -> {}
          case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> {
            retry = true;
            problems.append(' ').append(u.getRemoteName()).append(" moved on");
          }
          default -> {
            if (u.getRemoteName().startsWith(Constants.R_TAGS) && !lockedByAnotherWriter(u)) {
              // A remote that refuses release tags (protected tags, ...) must not hold back the
              // records: the tag is left out, the record still names it.
              continue;
            }
            if (lockedByAnotherWriter(u)) {
              retry = true;
              problems.append(' ').append(u.getRemoteName()).append(" was locked");
            } else {
              problems
                  .append(' ')
                  .append(u.getRemoteName())
                  .append(": ")
                  .append(u.getStatus())
                  .append(u.getMessage() == null ? "" : " (" + redact(u.getMessage()) + ")");
            }
          }
        }
      }
    }
    if (problems.isEmpty()) {
      return new PushOutcome.Accepted();
    }
    if (retry) {
      return new PushOutcome.MovedOn(problems.toString().strip());
    }
    return new PushOutcome.Refused("The push to " + remoteForDisplay + " was refused:" + problems);
  }

  /** Another writer updating the ref at that instant: the same race, lost differently. */
  private static boolean lockedByAnotherWriter(RemoteRefUpdate u) {
    return u.getStatus() == RemoteRefUpdate.Status.REJECTED_OTHER_REASON
        && u.getMessage() != null
        && u.getMessage().toLowerCase(Locale.ROOT).contains("lock");
  }

  ObjectId resolve(String ref) throws IOException {
    Ref r = repository.exactRef(ref);
    return r == null ? null : r.getObjectId();
  }

  void setLocalRef(String name, ObjectId id) throws IOException {
    RefUpdate u = repository.updateRef(name);
    u.setNewObjectId(id);
    u.setForceUpdate(true);
    RefUpdate.Result result = u.update();
    switch (result) {
      case NEW, FORCED, FAST_FORWARD, NO_CHANGE -> {}
      default ->
          throw new IOException(
              "Could not update " + name + " in " + repository.getDirectory() + ": " + result);
    }
  }

  /** Why a delivery attempt failed, for the status: credentials never in it. */
  String describe(Exception e) {
    return "Cannot deliver audit records to "
        + remoteForDisplay
        + ": "
        + redact(RemoteText.rootMessage(e));
  }

  private String redact(String text) {
    return RemoteText.redact(remote, text, credentials);
  }
}
