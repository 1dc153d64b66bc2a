package dev.cairn.aws.batch;

import java.util.regex.Pattern;

/**
 * How the privileged runner and the unprivileged build job hand a build over through the artifact
 * bucket (docs/security.md, "AWS"): the privileged job checks the commit out with the git token and
 * stores the workspace as the run's <em>source</em>; the build job, whose role has neither the
 * token nor the repository's other objects, reads only that source and writes only its
 * <em>upload</em> (the artifact); the privileged job then checks the upload and stores the artifact
 * by digest.
 *
 * <p>Keys, under the repository's prefix: {@code sources/<job>/<ticket>/source.car} and {@code
 * uploads/<job>/<ticket>/output.car} with the job's result beside it ({@code result.json}). The
 * ticket is 128 random bits the privileged job makes per build and passes only in the build job's
 * container overrides: the build role cannot list the bucket or describe jobs, so one build cannot
 * find, read or overwrite another's hand-off although its role covers every run's {@code uploads/}.
 *
 * <p>The job definition's IAM (aws-infra) is written from {@link #SOURCES} and {@link #UPLOADS}, so
 * the keys the runner uses and the keys the role allows cannot drift apart.
 */
public final class BuildHandOff {
  /** Sources the privileged job stores for build jobs; build jobs may only read them. */
  public static final String SOURCES = "sources/";

  /** What build jobs upload; the only keys the build role may write. */
  public static final String UPLOADS = "uploads/";

  /** Container variable: the key of the build's source. */
  public static final String SOURCE_VARIABLE = "CAIRN_SOURCE_KEY";

  /** Container variable: the key the build uploads its output to. */
  public static final String UPLOAD_VARIABLE = "CAIRN_UPLOAD_KEY";

  /** Container variable: the path (relative to the workspace) of the output to upload. */
  public static final String OUTPUT_VARIABLE = "CAIRN_OUTPUT_PATH";

  /** Container variable: the key the build writes its result to (why it failed, for people). */
  public static final String RESULT_VARIABLE = "CAIRN_RESULT_KEY";

  /**
   * Container variable of the build job definition: {@value #BUILD_JOB_ROLE} makes the runner the
   * unprivileged build job (it runs handed-over build steps and nothing else).
   */
  public static final String JOB_ROLE_VARIABLE = "CAIRN_JOB_ROLE";

  /** The value of {@link #JOB_ROLE_VARIABLE} in the build job definition. */
  public static final String BUILD_JOB_ROLE = "build";

  /** Container variable of the privileged runner: the build job definition to submit builds to. */
  public static final String BUILD_JOB_DEFINITION_VARIABLE = "CAIRN_BUILD_JOB_DEFINITION";

  /** Container variable of the privileged runner: the job queue of the build jobs. */
  public static final String JOB_QUEUE_VARIABLE = "CAIRN_JOB_QUEUE";

  /** Container variable of the privileged runner: the log group the build jobs log to. */
  public static final String JOB_LOG_GROUP_VARIABLE = "CAIRN_JOB_LOG_GROUP";

  /**
   * Object metadata of an upload: {@code file} or {@code directory}, what the output was (the
   * archive format stores a file under its name, a directory as its content).
   */
  public static final String KIND_METADATA = "cairn-output";

  private static final Pattern JOB = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern TICKET = Pattern.compile("[0-9a-f]{32}");

  private BuildHandOff() {}

  /** The key of a build's source. */
  public static String sourceKey(String prefix, String job, String ticket) {
    return prefix + SOURCES + check(job, ticket) + "/source.car";
  }

  /** The key of a build's upload. */
  public static String uploadKey(String prefix, String job, String ticket) {
    return prefix + UPLOADS + check(job, ticket) + "/output.car";
  }

  /**
   * The key of an image build's source on CodeBuild: the build context the build job uploaded,
   * packed by the privileged runner as the zip file CodeBuild reads ({@code
   * dev.cairn.aws.codebuild.CodeBuildImages}). Under {@link #UPLOADS}, the only objects the image
   * project's role may read.
   */
  public static String contextKey(String prefix, String job, String ticket) {
    return prefix + UPLOADS + check(job, ticket) + "/context.zip";
  }

  /** The key of a build's result: how it ended, for the privileged job's records. */
  public static String resultKey(String prefix, String job, String ticket) {
    return prefix + UPLOADS + check(job, ticket) + "/result.json";
  }

  private static String check(String job, String ticket) {
    if (job == null || !JOB.matcher(job).matches()) {
      throw new IllegalArgumentException("not a job id: " + job);
    }
    if (ticket == null || !TICKET.matcher(ticket).matches()) {
      throw new IllegalArgumentException("a ticket is 32 lower-case hex digits");
    }
    return job + "/" + ticket;
  }
}
