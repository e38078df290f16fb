/* commands.h: the subcommands of the ccmig program. */
#ifndef CCM_COMMANDS_H
#define CCM_COMMANDS_H

/*
 * Each subcommand takes argv as the program got it from the subcommand on
 * (argv[0] is the subcommand's name) and returns the exit status:
 * 0 everything done, 1 done but something was skipped or repaired (the
 * report lists it), 2 failed or bad usage.
 */
int ccm_cmd_inspect(int argc, char **argv);
int ccm_cmd_gen(int argc, char **argv);
int ccm_cmd_repl(int argc, char **argv);
int ccm_cmd_run(int argc, char **argv);
int ccm_cmd_extract(int argc, char **argv);
int ccm_cmd_check(int argc, char **argv);
int ccm_cmd_import(int argc, char **argv);
int ccm_cmd_migrate(int argc, char **argv);
int ccm_cmd_dirsync(int argc, char **argv);
int ccm_cmd_verify(int argc, char **argv);
int ccm_cmd_export(int argc, char **argv);
int ccm_cmd_stat(int argc, char **argv);
int ccm_cmd_report(int argc, char **argv);
int ccm_cmd_plan(int argc, char **argv);
int ccm_cmd_job(int argc, char **argv);
int ccm_cmd_merge(int argc, char **argv);

#endif
