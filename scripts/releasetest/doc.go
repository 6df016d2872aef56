// Package releasetest tests the release scripts (scripts/*.sh and
// packaging/) by running them: the dist guard on a throwaway git repository,
// the Windows file version rule, the Linux install script's requirement
// warnings. It has no code of its own.
package releasetest
