/** Offline image backup and restore: points of disk image files and block devices, without libvirt. */
package coffer.engine.image;
