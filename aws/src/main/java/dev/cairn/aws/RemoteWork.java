package dev.cairn.aws;

import java.util.List;

/**
 * Work a runner started outside its own container — a Batch job, a CodeBuild build — that must not
 * outlive the runner when the runner is terminated (Step Functions stops the runner's Batch job
 * when its state times out or the execution is stopped; the container gets SIGTERM). Without this,
 * the build job or the image build would go on, and be paid for, until its own time-out.
 */
public interface RemoteWork {
  /**
   * Asks AWS to stop everything this object started that has not ended. Best effort: called from a
   * shutdown hook, it never throws; what could not be stopped is named in the answer.
   *
   * @return one line per piece of work: what was stopped, or why it could not be
   */
  List<String> stopAll();
}
